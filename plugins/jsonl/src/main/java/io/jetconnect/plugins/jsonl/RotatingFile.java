package io.jetconnect.plugins.jsonl;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file that lines are appended to, rotated by size: before a line would take it past {@code maxBytes}, the file
 * is renamed {@code <name>.1}, the former {@code .1} becomes {@code .2} and so on up to {@code maxFiles - 1}; the
 * oldest is deleted. An existing file is appended to. Used by one thread.
 */
final class RotatingFile implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private final boolean fsync;
    private FileChannel channel;
    private OutputStream out;
    private long size;

    RotatingFile(Path path, long maxBytes, int maxFiles, boolean fsync) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.fsync = fsync;
    }

    Path path() {
        return path;
    }

    /** Appends a line (buffered: see {@link #flush}). */
    void write(byte[] line) throws IOException {
        if (channel == null) {
            open();
        }
        if (size > 0 && size + line.length > maxBytes) {
            rotate();
        }
        out.write(line);
        size += line.length;
    }

    /** Hands everything written to the operating system, and forces it to the disk when fsync is on. */
    void flush() throws IOException {
        if (out == null) {
            return;
        }
        out.flush();
        if (fsync) {
            channel.force(false);
        }
    }

    /** @return the path of the {@code n}th rotated file */
    Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void open() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
        size = channel.size();
    }

    private void rotate() throws IOException {
        flush();
        closeQuietly();
        if (maxFiles == 1) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(rotated(maxFiles - 1));
            for (int n = maxFiles - 2; n >= 1; n--) {
                Path from = rotated(n);
                if (Files.exists(from)) {
                    Files.move(from, rotated(n + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    /**
     * Drops the open file after a write failed, without writing what is still buffered (those lines' stages fail);
     * the next write opens the file again.
     */
    void reset() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // It is being dropped.
        }
        out = null;
        channel = null;
        size = 0;
    }

    private void closeQuietly() {
        try {
            if (out != null) {
                out.close();
            } else if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // Already failing or rotating; what was flushed before is what counts.
        }
        out = null;
        channel = null;
        size = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            closeQuietly();
        }
    }
}
