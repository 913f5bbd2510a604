package io.jetconnect.runtime.plugin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.Consumer;
import org.pf4j.BasePluginRepository;
import org.pf4j.util.AndFileFilter;
import org.pf4j.util.DirectoryFileFilter;
import org.pf4j.util.FileUtils;
import org.pf4j.util.HiddenFilter;
import org.pf4j.util.NotFileFilter;
import org.pf4j.util.ZipFileFilter;

/**
 * The plugin folders of {@code plugins-dir}. The distribution ships its plugins already expanded, so a read-only
 * installation loads them without writing a byte; a zip dropped in is expanded next to itself only when it has no
 * up-to-date folder yet, and one that cannot be expanded (a folder the user may not write) is reported as skipped,
 * with why and what to do, instead of PF4J's logged stack trace and an empty plugin list.
 */
final class ExpandedPluginRepository extends BasePluginRepository {

    private final Consumer<String> problems;

    ExpandedPluginRepository(List<Path> roots, Consumer<String> problems) {
        super(roots, new AndFileFilter(new DirectoryFileFilter(), new NotFileFilter(new HiddenFilter())));
        this.problems = problems;
    }

    @Override
    public List<Path> getPluginPaths() {
        for (Path root : pluginsRoots) {
            File[] zips = root.toFile().listFiles(new ZipFileFilter());
            if (zips == null) {
                continue;
            }
            for (File zip : zips) {
                expand(zip.toPath(), problems);
            }
        }
        return super.getPluginPaths();
    }

    /** Never a zip that is already expanded and not older than its folder: nothing to write then. */
    static boolean expand(Path zip, Consumer<String> problems) {
        String name = zip.getFileName().toString();
        Path folder = zip.resolveSibling(name.substring(0, name.length() - ".zip".length()));
        try {
            if (Files.isDirectory(folder)) {
                FileTime zipTime = Files.getLastModifiedTime(zip);
                if (zipTime.compareTo(Files.getLastModifiedTime(folder)) <= 0) {
                    return true;
                }
            }
            if (Files.exists(folder) && !Files.isDirectory(folder)) {
                throw new IOException(folder.getFileName() + " exists and is not a folder");
            }
            FileUtils.expandIfZip(zip);
            if (!Files.isDirectory(folder)) {
                throw new IOException("nothing was expanded");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            problems.accept(name + ": skipped, cannot expand it into " + folder + " ("
                    + JetconnectPluginManager.describe(e) + "); expand it there by hand (unzip " + name + " -d "
                    + folder.getFileName() + ") or set jetconnect.plugins-dir to a folder this user may write");
            return false;
        }
    }
}
