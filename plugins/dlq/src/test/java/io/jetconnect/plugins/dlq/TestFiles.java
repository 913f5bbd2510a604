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
    private volatile CountDownLatch writeEntered;
    private volatile CountDownLatch writeRelease;
    private volatile CountDownLatch pendingWriteRelease;
    private volatile boolean failNextForce;

    /**
     * Makes the next write wait for {@link #releaseWrite()} and then fail as a full disk does; the writes after it
     * succeed, as they do once the drain frees some space. {@link #awaitWrite()} waits until it started.
     */
    void holdAndFailNextWrite() {
        writeEntered = new CountDownLatch(1);
        writeRelease = new CountDownLatch(1);
        pendingWriteRelease = writeRelease;
    }

    void awaitWrite() throws InterruptedException {
        if (!writeEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no write started");
        }
    }

    void releaseWrite() {
        pendingWriteRelease.countDown();
    }

    /** Makes the next fsync fail as a full disk does (after {@link #releaseForce()} if it is held); not the later. */
    void failNextForce() {
        failNextForce = true;
    }

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
        CountDownLatch release = writeRelease;
        if (release != null) {
            writeRelease = null;
            writeEntered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("No space left on device");
        }
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
        if (diskFull || failNextForce) {
            failNextForce = false;
            throw new IOException("No space left on device");
        }
        forces.incrementAndGet();
        FileOps.super.force(channel);
    }
}
