package io.jetconnect.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on {@code data-dir} for the life of the process: {@code data-dir/.lock}, locked with
 * {@link FileChannel#tryLock()} and holding the pid of its owner. Two runtimes on one data-dir would each adopt,
 * drain and delete the other's live spill segments; the second one is refused at start instead. The operating
 * system drops the lock when the process dies, even by {@code kill -9}, so a stale file never blocks a restart;
 * the file itself is left in place (deleting it would let a third process lock a fresh inode while a second one
 * still holds the old).
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dataDir} if needed and locks it.
     *
     * @throws InUse if another process (or another runtime in this JVM) holds it
     * @throws UncheckedIOException if the lock file cannot be created or written
     */
    public static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                Optional<Long> holder = holder(channel);
                channel.close();
                throw new InUse(dataDir, file, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            channel.force(true);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock data-dir " + dataDir + " with " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** The pid written by the holder; empty when unreadable (e.g. it is between creating and writing the file). */
    private static Optional<Long> holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("[0-9]{1,19}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing with the reason that matters.
            }
        }
    }

    /** Releases the lock (closing the channel releases it too; both for clarity). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // The channel's close below releases it as well.
        }
        closeQuietly(channel);
    }

    /** Another process holds the data-dir. */
    public static final class InUse extends RuntimeException {

        private final Path lockFile;
        private final Optional<Long> pid;

        InUse(Path dataDir, Path lockFile, Optional<Long> pid) {
            super("data-dir " + dataDir + " is in use by another jetconnect process"
                    + pid.map(p -> " (pid " + p + ")").orElse("") + ": it holds the lock " + lockFile
                    + "; stop that process, or give this one another jetconnect.data-dir");
            this.lockFile = lockFile;
            this.pid = pid;
        }

        public Path lockFile() {
            return lockFile;
        }

        /** @return the holder's pid, where its lock file says */
        public Optional<Long> pid() {
            return pid;
        }
    }
}
