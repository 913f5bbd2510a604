package io.jetconnect.plugins.jsonl;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.PluginContext;
import io.jetconnect.spi.Setting;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code jsonl} sink's settings, read once at open from its block over {@code reference.conf}, where every key
 * is declared with its default and a line of documentation.
 *
 * @param path the file written, absolute
 * @param maxFileBytes the size past which a line is not appended but starts a new file
 * @param maxFiles the files kept, the one being written included
 * @param fsync whether each batch is forced to the disk before its stages complete
 */
record JsonlSettings(Path path, long maxFileBytes, int maxFiles, boolean fsync) {

    private static final String PATH = "path";
    private static final Setting<Long> MAX_FILE_BYTES = Setting.bytes("max-file-bytes", 1, Long.MAX_VALUE);
    private static final Setting<Integer> MAX_FILES = Setting.integer("max-files", 1, 10_000);
    private static final Setting<Boolean> FSYNC = Setting.flag("fsync");

    static JsonlSettings from(PluginContext context) {
        ConnectorConfig config = context.config();
        String text = config.getString(PATH).trim();
        Path path;
        try {
            path = text.isEmpty() ? Path.of("jsonl", context.pipelineName() + ".jsonl") : Path.of(text);
        } catch (InvalidPathException e) {
            throw config.invalid(PATH, "not a valid path");
        }
        if (!path.isAbsolute()) {
            path = context.dataDir().resolve(path);
        }
        if (path.getFileName() == null) {
            throw config.invalid(PATH, "names no file");
        }
        return new JsonlSettings(path.toAbsolutePath().normalize(), config.get(MAX_FILE_BYTES), config.get(MAX_FILES),
                config.get(FSYNC));
    }
}
