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
    /** Thrown by every write while set, as a bug or an exhausted direct memory would be. */
    volatile RuntimeException breakWrites;
    private final Hold heldWrite = new Hold("write");
    private final Hold heldForce = new Hold("fsync");
    private volatile boolean failNextForce;

    /**
     * Makes the next write wait for {@link #releaseWrite()} and then fail as a full disk does; the writes after it
     * succeed, as they do once the drain frees some space. {@link #awaitWrite()} waits until it started.
     */
    void holdAndFailNextWrite() {
        heldWrite.arm();
    }

    void awaitWrite() throws InterruptedException {
        heldWrite.awaitEntered();
    }

    void releaseWrite() {
        heldWrite.release();
    }

    /** Makes the next fsync fail as a full disk does (after {@link #releaseForce()} if it is held); not the later. */
    void failNextForce() {
        failNextForce = true;
    }

    /** Makes the next fsync wait for {@link #releaseForce()}; {@link #awaitForce()} waits until it does. */
    void holdNextForce() {
        heldForce.arm();
    }

    void awaitForce() throws InterruptedException {
        heldForce.awaitEntered();
    }

    void releaseForce() {
        heldForce.release();
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
        if (heldWrite.pass()) {
            throw new IOException("No space left on device");
        }
        if (diskFull) {
            throw new IOException("No space left on device");
        }
        RuntimeException broken = breakWrites;
        if (broken != null) {
            throw broken;
        }
        FileOps.super.write(channel, bytes);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        heldForce.pass();
        if (diskFull || failNextForce) {
            failNextForce = false;
            throw new IOException("No space left on device");
        }
        forces.incrementAndGet();
        FileOps.super.force(channel);
    }

    /** One call held once: the next call after {@link #arm()} waits until the test releases it; later ones pass. */
    private static final class Hold {
        private final String call;
        private volatile CountDownLatch entered;
        private volatile CountDownLatch release;
        private volatile CountDownLatch armed; // the release the next call waits for; null once a call took it

        Hold(String call) {
            this.call = call;
        }

        void arm() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
            armed = release;
        }

        void awaitEntered() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no " + call + " started");
            }
        }

        void release() {
            release.countDown();
        }

        /** @return whether this call was the held one (it returns once released) */
        boolean pass() {
            CountDownLatch waitFor = armed;
            if (waitFor == null) {
                return false;
            }
            armed = null;
            entered.countDown();
            try {
                waitFor.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }
    }
}
