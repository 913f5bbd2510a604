package io.jetconnect.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds real PF4J plugin jars in a test's temporary directory (as PF4J's own tests do with
 * {@code PluginJar.Builder}): a manifest descriptor, {@code META-INF/extensions.idx}, the named classes copied
 * from the test class path, and any extra resources. {@link #buildZip()} builds the other kind of plugin, the zip
 * the built-in plugins ship as: the same content under {@code classes/}, and bundled library jars under
 * {@code lib/} (PF4J's {@code DefaultPluginClasspath}; a jar plugin cannot nest jars).
 */
public final class PluginJars {

    private final Path file;
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final List<Class<?>> classes = new ArrayList<>();
    private final List<String> extensions = new ArrayList<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final Map<String, Path> libraries = new LinkedHashMap<>();

    private PluginJars(Path file, String id, String version) {
        this.file = file;
        manifest.put("Plugin-Id", id);
        manifest.put("Plugin-Version", version);
    }

    public static PluginJars builder(Path file, String id, String version) {
        return new PluginJars(file, id, version);
    }

    /** Overrides or removes (null) a manifest entry, e.g. to break the descriptor. */
    public PluginJars manifest(String key, String value) {
        if (value == null) {
            manifest.remove(key);
        } else {
            manifest.put(key, value);
        }
        return this;
    }

    /** Adds an extension: its class file, its nested classes, and a line in extensions.idx. */
    public PluginJars extension(Class<?> cls) {
        classes.add(cls);
        extensions.add(cls.getName());
        return this;
    }

    /** Lists a class in extensions.idx without adding its class file (a class that fails to load). */
    public PluginJars missingExtension(String className) {
        extensions.add(className);
        return this;
    }

    /** Adds a class file that is not an extension. */
    public PluginJars clazz(Class<?> cls) {
        classes.add(cls);
        return this;
    }

    public PluginJars resource(String name, String content) {
        resources.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Bundles a library jar as {@code lib/<its file name>}; only {@link #buildZip()} can carry it. */
    public PluginJars library(Path jar) {
        libraries.put(jar.getFileName().toString(), jar);
        return this;
    }

    /** Builds a jar plugin at the file given to {@link #builder}. */
    public Path build() {
        if (!libraries.isEmpty()) {
            throw new IllegalStateException("a jar plugin cannot bundle libraries: use buildZip()");
        }
        Manifest mf = manifest();
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, mf)) {
            writeContent(jar, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Builds a zip plugin at the file given to {@link #builder} (name it {@code .zip}): the manifest, classes and
     * resources under {@code classes/}, the libraries under {@code lib/}, as the built-in plugins' zips are laid out.
     */
    public Path buildZip() {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("classes/META-INF/MANIFEST.MF"));
            manifest().write(zip);
            zip.closeEntry();
            writeContent(zip, "classes/");
            for (Map.Entry<String, Path> library : libraries.entrySet()) {
                zip.putNextEntry(new JarEntry("lib/" + library.getKey()));
                Files.copy(library.getValue(), zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private Manifest manifest() {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        return mf;
    }

    private void writeContent(JarOutputStream jar, String prefix) throws IOException {
        java.util.Set<Class<?>> written = new java.util.HashSet<>();
        for (Class<?> cls : classes) {
            if (written.add(cls)) {
                copyClass(jar, prefix, cls);
            }
            for (Class<?> nested : cls.getDeclaredClasses()) {
                if (written.add(nested)) {
                    copyClass(jar, prefix, nested);
                }
            }
        }
        if (!extensions.isEmpty()) {
            jar.putNextEntry(new JarEntry(prefix + "META-INF/extensions.idx"));
            jar.write((String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
            jar.putNextEntry(new JarEntry(prefix + resource.getKey()));
            jar.write(resource.getValue());
            jar.closeEntry();
        }
    }

    private static void copyClass(JarOutputStream jar, String prefix, Class<?> cls) throws IOException {
        String name = cls.getName().replace('.', '/') + ".class";
        try (InputStream in = cls.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("class file not found: " + name);
            }
            jar.putNextEntry(new JarEntry(prefix + name));
            in.transferTo(jar);
            jar.closeEntry();
        }
    }
}
