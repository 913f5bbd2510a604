package io.jetconnect.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a target with {@code count} events from {@code producers} threads, each keeping at most {@code window}
 * events in flight, flat out or at a fixed total rate, and records each event's emit-to-ack time.
 *
 * <p>At a fixed rate, event {@code i} is due at {@code start + i / rate} and its latency counts from that moment,
 * not from when it was actually sent, so that a stall of the sender shows in the latency instead of hiding it
 * (coordinated omission).
 */
final class LoadDriver {

    /** Sends one event; the stage completes when the event is acknowledged. */
    @FunctionalInterface
    interface Target {
        CompletionStage<?> send(int event) throws Exception;
    }

    /** What a run did. */
    record Outcome(int events, long nanos, long failed, String firstFailure, Latencies latencies) {

        double rate() {
            return events * 1e9 / nanos;
        }
    }

    private LoadDriver() {
    }

    /**
     * @param rate the total events per second to send at, or 0 for as fast as the window allows
     * @param timeoutNanos how long the run may take before it is abandoned
     */
    static Outcome drive(Target target, int count, int producers, int window, double rate, long timeoutNanos)
            throws InterruptedException {
        Latencies latencies = new Latencies(count);
        long[] sentAt = new long[count];
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long start = System.nanoTime();
        double nanosPerEvent = rate > 0 ? 1e9 / rate : 0;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Semaphore inFlight = new Semaphore(window);
            Thread thread = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long due = start + (long) (i * nanosPerEvent);
                    if (rate > 0) {
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    try {
                        inFlight.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    int event = i;
                    sentAt[event] = rate > 0 ? due : System.nanoTime();
                    CompletionStage<?> stage;
                    try {
                        stage = target.send(event);
                    } catch (Exception | LinkageError e) {
                        fail(failed, firstFailure, e);
                        inFlight.release();
                        done.countDown();
                        continue;
                    }
                    stage.whenComplete((ignored, error) -> {
                        if (error == null) {
                            latencies.record(event, System.nanoTime() - sentAt[event]);
                        } else {
                            fail(failed, firstFailure, error);
                        }
                        inFlight.release();
                        done.countDown();
                    });
                }
            }, "jetconnect-bench-producer-" + (p + 1));
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        boolean finished = done.await(timeoutNanos, TimeUnit.NANOSECONDS);
        long nanos = System.nanoTime() - start;
        for (Thread thread : threads) {
            if (!finished) {
                thread.interrupt();
            }
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1);
        }
        if (!finished) {
            fail(failed, firstFailure, new IllegalStateException(done.getCount() + " of " + count
                    + " events not acknowledged within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s"));
        }
        return new Outcome(count, nanos, failed.get(), firstFailure.get(), latencies);
    }

    private static void fail(AtomicLong failed, AtomicReference<String> first, Throwable error) {
        failed.incrementAndGet();
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        first.compareAndSet(null, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** @return a timeout for a run of that many events: a generous minimum rate of 500 events/s, at least 60 s */
    static long timeoutFor(int events, double rate) {
        double seconds = Math.max(60, events / 500.0);
        if (rate > 0) {
            seconds = Math.max(seconds, 2 * events / rate);
        }
        return (long) (seconds * 1e9);
    }
}
