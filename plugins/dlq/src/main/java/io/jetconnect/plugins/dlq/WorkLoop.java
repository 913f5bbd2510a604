package io.jetconnect.plugins.dlq;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a pass of the layer's writer, drainer or quarantine on its serial executor ({@code serialExecutor} of the
 * context) each time it is asked, instead of on a thread that waits for work: an idle pipeline then holds no
 * thread. A pass does what there is to do and returns; whoever brings work calls {@link #request()}, and a pass
 * that must look again later calls {@link #requestIn}.
 *
 * <p>Requests made while a pass runs are not lost: the flag is cleared when a pass starts, so a request during it
 * queues the next pass, and the serial executor never runs two at once. {@link #interrupt()} reaches only a pass
 * running now (the runner is recorded under a lock, and the thread's flag cleared under it when the pass returns),
 * never another pipeline's task on the same shared thread. Thread-safe.
 */
final class WorkLoop {

    private final ScheduledExecutorService executor;
    private final Runnable pass;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final Object lock = new Object();
    private Thread runner; // guarded by lock
    private ScheduledFuture<?> timer; // guarded by lock
    private long timerDueNanos; // guarded by lock

    WorkLoop(ScheduledExecutorService executor, Runnable pass) {
        this.executor = executor;
        this.pass = pass;
    }

    /** Asks for a pass soon; one already asked for and not started yet stands for this one. */
    void request() {
        if (requested.compareAndSet(false, true)) {
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                requested.set(false); // shut down: nothing runs any more
            }
        }
    }

    /** Asks for a pass in {@code nanos} at the latest; an earlier one already asked for stands. */
    void requestIn(long nanos) {
        long due = System.nanoTime() + nanos;
        synchronized (lock) {
            if (timer != null && !timer.isDone() && timerDueNanos - due <= 0) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            try {
                timer = executor.schedule(this::request, Math.max(0, nanos), TimeUnit.NANOSECONDS);
                timerDueNanos = due;
            } catch (RejectedExecutionException e) {
                timer = null; // shut down
            }
        }
    }

    private void run() {
        requested.set(false);
        synchronized (lock) {
            runner = Thread.currentThread();
        }
        try {
            pass.run();
        } finally {
            synchronized (lock) {
                runner = null;
                Thread.interrupted(); // meant for that pass only
            }
        }
    }

    /** Interrupts the pass running now, if one is. */
    void interrupt() {
        synchronized (lock) {
            if (runner != null) {
                runner.interrupt();
            }
        }
    }

    /** Runs no pass after those already queued. */
    void shutdown() {
        synchronized (lock) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        executor.shutdown();
    }

    /**
     * Runs no pass after those already queued and waits (at most {@code millis}) for them to end.
     *
     * @return whether they ended in time
     */
    boolean shutdownAndWait(long millis) {
        shutdown();
        try {
            return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
