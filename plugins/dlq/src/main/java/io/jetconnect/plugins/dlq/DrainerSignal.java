package io.jetconnect.plugins.dlq;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How the {@link Drainer}'s thread waits and what wakes it: a change ({@link #wake}: records became durable, a send
 * failed, a quarantine finished, the layer closes), the drain action ({@link #drainNow}), a timeout; and, while its
 * sends are in flight, a batch of them completing ({@link #sendCompleted}).
 *
 * <p>Why batches: a successful send is the common completion, one per drained event, and it arrives on the sink's
 * thread (jnats' for the {@code jetstream} sink), which completes the sends of every event in turn. Taking the lock
 * and signalling for each of them cost that thread a lock hand-off per event and woke the drainer for one slot of
 * room at a time. Now a completion only counts itself; the one that completes the batch the drainer waits for
 * wakes it, and the drainer then settles and refills a batch at once.
 *
 * <p>Thread-safe: {@link #wake}, {@link #drainNow} and {@link #sendCompleted} from any thread; the waits from the
 * drainer's thread alone.
 */
final class DrainerSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private boolean signalled;
    /** Guarded by {@link #lock}. */
    private boolean drainNowRequested;
    private final AtomicLong completed = new AtomicLong();
    /** The completion count at which the waiting drainer wants to be woken; {@code Long.MAX_VALUE}: none. */
    private volatile long wakeAt = Long.MAX_VALUE;

    /** Something changed: the drainer should look again now. */
    void wake() {
        lock.lock();
        try {
            signalled = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The operator asked for a drain attempt now: cut a backoff short. */
    void drainNow() {
        lock.lock();
        try {
            drainNowRequested = true;
            signalled = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A send the drainer started has completed, either way. Called once per send. */
    void sendCompleted() {
        // Exactly one completion reaches the target: counts go up by one.
        if (completed.incrementAndGet() == wakeAt) {
            wake();
        }
    }

    /** @return how many sends have completed since this signal was made */
    long completed() {
        return completed.get();
    }

    /**
     * Waits until {@code batch} of the sends in flight when the drainer last looked have completed (all of them if
     * fewer were in flight), until {@link #wake}, or at most {@code nanos}. With none in flight then, only
     * {@link #wake} or the timeout end the wait.
     *
     * @param seen {@link #completed()} when the drainer last looked at its window
     * @param started how many sends the drainer has started since this signal was made
     */
    void awaitCompletions(long seen, long started, int batch, long nanos) throws InterruptedException {
        long inFlight = started - seen;
        if (inFlight <= 0) {
            await(nanos);
            return;
        }
        wakeAt = seen + Math.min(inFlight, batch);
        try {
            // Read after publishing the target: a completion either sees the target or is counted here.
            if (completed.get() < wakeAt) {
                await(nanos);
            }
        } finally {
            wakeAt = Long.MAX_VALUE;
        }
    }

    /** Waits for {@link #wake} at most {@code nanos}. */
    void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!signalled && left > 0) {
                left = changed.awaitNanos(left);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the drain action was asked for since the last call; clears the request */
    boolean takeDrainNow() {
        lock.lock();
        try {
            boolean cut = drainNowRequested;
            drainNowRequested = false;
            return cut;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits out a backoff; only {@code stopping} (checked on every {@link #wake}) and {@link #drainNow} cut it
     * short.
     *
     * @return whether the drain action cut it short
     */
    boolean sleep(long nanos, BooleanSupplier stopping) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        lock.lock();
        try {
            long left;
            while (!stopping.getAsBoolean() && !drainNowRequested && (left = deadline - System.nanoTime()) > 0) {
                changed.awaitNanos(left);
            }
            boolean cut = drainNowRequested;
            drainNowRequested = false;
            signalled = false;
            return cut;
        } finally {
            lock.unlock();
        }
    }
}
