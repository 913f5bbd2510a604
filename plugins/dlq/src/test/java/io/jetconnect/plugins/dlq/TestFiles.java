package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer's file operations for tests: counts fsyncs, can hold the next fsync until the test lets it go, and
 * can fail writes and file creation as a full disk does.
 */
final class TestFiles implements FileOps {

    final AtomicInteger forces = new AtomicInteger();
    volatile boolean diskFull;
    private volatile CountDownLatch forceEntered;
    private volatile CountDownLatch forceRelease;
    private volatile CountDownLatch pendingRelease;

    /** Makes the next fsync wait for {@link #releaseForce()}; {@link #awaitForce()} waits until it does. */
    void holdNextForce() {
        forceEntered = new CountDownLatch(1);
        forceRelease = new CountDownLatch(1);
        pendingRelease = forceRelease;
    }

    void awaitForce() throws InterruptedException {
        if (!forceEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no fsync started");
        }
    }

    void releaseForce() {
        pendingRelease.countDown();
    }

    @Override
    public FileChannel create(Path path) throws IOException {
        if (diskFull) {
            throw new IOException("No space left on device");
        }
        return FileOps.super.create(path);
    }

    @Override
    public void write(FileChannel channel, ByteBuffer bytes) throws IOException {
        if (diskFull) {
            throw new IOException("No space left on device");
        }
        FileOps.super.write(channel, bytes);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        CountDownLatch release = forceRelease;
        if (release != null) {
            forceRelease = null;
            forceEntered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (diskFull) {
            throw new IOException("No space left on device");
        }
        forces.incrementAndGet();
        FileOps.super.force(channel);
    }
}
