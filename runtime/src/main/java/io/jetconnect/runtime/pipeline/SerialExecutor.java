package io.jetconnect.runtime.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One extension's serial executor ({@link io.jetconnect.spi.PluginContext#serialExecutor}) over threads shared by
 * every pipeline, as a Vert.x context runs on a shared event loop: tasks run one at a time in submission order; a
 * delayed task waits on the shared timer and then joins the queue. While the queue is empty the executor holds no
 * thread.
 *
 * <p>A run takes at most {@value #FAIR_SHARE} tasks before it hands its thread back and queues itself again, so a
 * busy executor does not keep a thread from others. {@link #shutdownNow()} interrupts only a task of this executor:
 * the runner is recorded and cleared under the executor's lock, and the thread's interrupt flag is cleared under
 * the same lock once the task returns, so an interrupt never reaches the next executor's task on that thread.
 */
final class SerialExecutor extends AbstractExecutorService implements ScheduledExecutorService {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int FAIR_SHARE = 64;

    private final Executor threads;
    private final ScheduledExecutorService timer;
    private final String pipeline;
    private final String role;
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Set<Timed<?>> delayed = ConcurrentHashMap.newKeySet();
    private final CountDownLatch terminated = new CountDownLatch(1);
    // Guarded by lock.
    private boolean scheduled;
    private boolean shutdown;
    private Thread runner;

    SerialExecutor(Executor threads, ScheduledExecutorService timer, String pipeline, String role) {
        this.threads = threads;
        this.timer = timer;
        this.pipeline = pipeline;
        this.role = role;
    }

    /** @return a serial executor of {@code pipeline} on the runtime's shared threads */
    static SerialExecutor shared(String pipeline, String role) {
        return new SerialExecutor(SharedThreads.WORKERS, SharedThreads.TIMER, pipeline, role);
    }

    @Override
    public void execute(Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException(role + " of pipeline " + pipeline + " is shut down");
            }
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        handOver();
    }

    private void handOver() {
        try {
            threads.execute(this::run);
        } catch (RejectedExecutionException e) {
            // Only a pool shut down for good (the JVM is exiting) refuses: nothing will run any more.
            synchronized (lock) {
                scheduled = false;
                queue.clear();
            }
        }
    }

    private void run() {
        MDC.put("pipeline", pipeline);
        try {
            for (int done = 0; ; done++) {
                Runnable task;
                synchronized (lock) {
                    task = done < FAIR_SHARE ? queue.poll() : null;
                    if (task == null) {
                        if (!queue.isEmpty()) {
                            break; // fair share used: queue again below
                        }
                        scheduled = false;
                        if (shutdown) {
                            terminated.countDown();
                        }
                        return;
                    }
                    runner = Thread.currentThread();
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("pipeline '{}': a task of {} failed", pipeline, role, e);
                } finally {
                    synchronized (lock) {
                        runner = null;
                        Thread.interrupted(); // a shutdownNow meant for that task, never for the next one
                    }
                }
            }
        } finally {
            MDC.remove("pipeline");
        }
        handOver();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return arm(new Timed<>(Executors.callable(command, null), System.nanoTime() + unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return arm(new Timed<>(callable, System.nanoTime() + unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period " + period);
        }
        return arm(new Timed<>(Executors.callable(command, null), System.nanoTime() + unit.toNanos(initialDelay),
                unit.toNanos(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                     TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay " + delay);
        }
        return arm(new Timed<>(Executors.callable(command, null), System.nanoTime() + unit.toNanos(initialDelay),
                -unit.toNanos(delay)));
    }

    private <V> Timed<V> arm(Timed<V> task) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException(role + " of pipeline " + pipeline + " is shut down");
            }
            delayed.add(task);
        }
        task.arm();
        return task;
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            if (!scheduled) {
                terminated.countDown();
            }
        }
        for (Timed<?> t : List.copyOf(delayed)) {
            t.cancel(false);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> dropped;
        synchronized (lock) {
            shutdown = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            if (runner != null) {
                runner.interrupt();
            }
            if (!scheduled) {
                terminated.countDown();
            }
        }
        for (Timed<?> t : List.copyOf(delayed)) {
            t.cancel(false);
        }
        return dropped;
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public String toString() {
        return "serial executor " + role + " of pipeline " + pipeline;
    }

    /** A delayed or periodic task: waits on the shared timer, then runs in this executor's queue. */
    private final class Timed<V> extends FutureTask<V> implements ScheduledFuture<V> {

        /** 0: once; above: fixed rate; below: fixed delay of its magnitude. */
        private final long periodNanos;
        private volatile long dueNanos;
        private volatile ScheduledFuture<?> waiting;

        Timed(Callable<V> callable, long dueNanos, long periodNanos) {
            super(callable);
            this.dueNanos = dueNanos;
            this.periodNanos = periodNanos;
        }

        void arm() {
            try {
                waiting = timer.schedule(this::due, dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                cancel(false); // the JVM is exiting
            }
            if (isCancelled()) {
                ScheduledFuture<?> w = waiting;
                if (w != null) {
                    w.cancel(false);
                }
            }
        }

        private void due() {
            if (isDone()) {
                return;
            }
            try {
                execute(this);
            } catch (RejectedExecutionException e) {
                cancel(false);
            }
        }

        @Override
        public void run() {
            if (periodNanos == 0) {
                delayed.remove(this);
                super.run();
            } else if (runAndReset()) {
                dueNanos = periodNanos > 0 ? dueNanos + periodNanos : System.nanoTime() - periodNanos;
                arm();
            } else {
                delayed.remove(this);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            ScheduledFuture<?> w = waiting;
            if (w != null) {
                w.cancel(false);
            }
            delayed.remove(this);
            return cancelled;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
