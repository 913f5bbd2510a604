package io.jetconnect.plugins.jsonl;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.PluginContext;
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

    static final String PATH = "path";
    static final String MAX_FILE_BYTES = "max-file-bytes";
    static final String MAX_FILES = "max-files";
    static final String FSYNC = "fsync";

    private static final int MAX_FILES_CEILING = 10_000;

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
        long maxBytes = config.getBytes(MAX_FILE_BYTES);
        if (maxBytes < 1) {
            throw config.invalid(MAX_FILE_BYTES, "must be at least 1 byte");
        }
        int maxFiles = config.getInt(MAX_FILES);
        if (maxFiles < 1 || maxFiles > MAX_FILES_CEILING) {
            throw config.invalid(MAX_FILES, "must be between 1 and " + MAX_FILES_CEILING);
        }
        return new JsonlSettings(path.toAbsolutePath().normalize(), maxBytes, maxFiles, config.getBoolean(FSYNC));
    }
}
