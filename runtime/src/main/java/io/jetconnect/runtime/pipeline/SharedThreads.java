package io.jetconnect.runtime.pipeline;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads every pipeline's {@link SerialExecutor}s run on: a pool that grows with the tasks running at once
 * and lets a thread go after a minute idle, and one timer that only hands due tasks over to their executor.
 *
 * <p>Why unbounded: extensions' tasks may block (an fsync, a connect bounded by its timeout), and a bounded pool
 * would let one pipeline's slow disk hold up every other pipeline's timers. Idle pipelines hold no thread, so the
 * pool's size is the work running now, not the number of pipelines. Daemon threads: they never keep the process
 * alive, and they live as long as this class.
 */
final class SharedThreads {

    static final ExecutorService WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), io.jetconnect.nats.DaemonThreads.named("jetconnect-worker-"));
    static final ScheduledExecutorService TIMER = timer();

    private SharedThreads() {
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                io.jetconnect.nats.DaemonThreads.named("jetconnect-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
