package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file operations of the spill log's writer, behind an interface so that tests can watch fsyncs and provoke
 * the errors of a full disk. {@link #REAL} is the only implementation outside tests.
 */
interface FileOps {

    FileOps REAL = new FileOps() {
    };

    /** @return a new, empty file open for writing; fails if the file exists */
    default FileChannel create(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Writes all of {@code bytes} at the channel's position. */
    default void write(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Makes everything written to the channel durable (fdatasync: the file's size included). */
    default void force(FileChannel channel) throws IOException {
        channel.force(false);
    }

    /** Makes a directory's entries (a file created in it) durable. Not every platform can; failures are ignored. */
    default void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported everywhere (Windows); the data itself is already synced.
        }
    }
}
