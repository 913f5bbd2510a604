package io.jetconnect.plugins.jetstream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The publisher's control: connecting, closing connections, waiting between attempts and the watchdog run here,
 * one task at a time, on the pipeline's serial executor (the runtime's shared threads, so an idle sink holds none).
 * An interface so that schedule tests drive the publisher's real code on virtual time, task by task.
 */
interface Control {

    /** Runs a task soon; dropped once shut down. */
    void execute(Runnable task);

    /** @return whether the task was scheduled to run after {@code delayNanos}; false once shut down */
    boolean schedule(Runnable task, long delayNanos);

    /** Runs a task every {@code periodNanos} until shut down. */
    void every(Runnable task, long periodNanos);

    /** Drops queued tasks and interrupts a running one. */
    void shutdown();

    /**
     * @param executor a serial executor ({@code SinkContext.serialExecutor}), shut down by {@link #shutdown()}
     * @return a control on it. A task that throws is logged and the control goes on: an executor would swallow it,
     *     and a periodic task (the watchdog) would never run again.
     */
    static Control on(ScheduledExecutorService executor) {
        return new Control() {
            @Override
            public void execute(Runnable task) {
                try {
                    executor.execute(logged(task));
                } catch (RejectedExecutionException closed) {
                    // the sink is closed: whatever is left was failed by close()
                }
            }

            @Override
            public boolean schedule(Runnable task, long delayNanos) {
                try {
                    executor.schedule(logged(task), delayNanos, TimeUnit.NANOSECONDS);
                    return true;
                } catch (RejectedExecutionException closed) {
                    return false;
                }
            }

            @Override
            public void every(Runnable task, long periodNanos) {
                executor.scheduleWithFixedDelay(logged(task), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }

    private static Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(JetStreamSink.class).error("jetstream sink: a control task failed "
                        + "(a bug; the sink goes on)", e);
            }
        };
    }
}
