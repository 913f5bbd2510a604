package io.jetconnect.nats;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The jnats executors every connection of this JVM shares instead of making its own: left to itself, jnats gives
 * each connection a timer pool of three threads and a thread each for connecting and for listener callbacks, five
 * of the eight threads a connection costs, idle nearly all the time (a runtime with 100 pipelines had 1,223
 * threads). Only the connection's reader, writer and dispatchers keep threads of their own.
 *
 * <ul>
 *   <li>Timers (pings, the request cleanup, the socket write watchdog, pull heartbeats): short tasks, on a small
 *       fixed pool. Cancelled tasks leave its queue at once, as in jnats' own pool.</li>
 *   <li>Connects: a connect runs a blocking handshake bounded by the connection timeout, so each concurrent one
 *       gets a thread (a queue would time out the connects behind a slow one); idle threads end after a minute.</li>
 *   <li>Listener callbacks: one thread, so a connection's events still arrive in order (a CONNECTED is never seen
 *       after the DISCONNECTED that followed it); listeners only log and signal, and must not block.</li>
 * </ul>
 *
 * <p>The threads are daemons: they never keep a process alive. A connection never shuts these down (jnats leaves
 * executors it was given alone), so they live as long as this class.
 */
final class SharedClientThreads {

    // Timer tasks take microseconds; two threads keep one stalled task (a write watchdog forcing a reconnect)
    // from holding up every connection's pings.
    private static final int TIMER_THREADS = 2;

    static final ScheduledThreadPoolExecutor TIMERS = timers();
    static final ExecutorService CONNECTS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DaemonThreads.named("jetconnect-nats-connect-"));
    static final ExecutorService CALLBACKS = Executors.newSingleThreadExecutor(DaemonThreads.named("jetconnect-nats-callback-"));

    private SharedClientThreads() {
    }

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(TIMER_THREADS,
                DaemonThreads.named("jetconnect-nats-timer-"));
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timers;
    }

    /**
     * Waits until the callbacks queued so far have run, at most {@code timeout}: jnats reports what went wrong
     * during a connect (a TLS certificate for another host, say) to the error listener on the callback thread, and
     * the connect can throw before that callback ran. One thread runs them in order, so an empty task queued now
     * runs after them. Never waits on the callback thread itself.
     */
    static void awaitCallbacks(java.time.Duration timeout) {
        if (Thread.currentThread().getName().startsWith("jetconnect-nats-callback-")) {
            return;
        }
        try {
            CALLBACKS.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            // the message is then built from what arrived in time
        }
    }
}
