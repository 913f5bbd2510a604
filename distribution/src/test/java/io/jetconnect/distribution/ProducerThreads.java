package io.jetconnect.distribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The threads of a test's producers, one per producer, asked to stop together: each finishes what it is sending
 * and ends, and what one failed with comes back to the test through {@link #await} or {@link #rethrowFailure}.
 */
final class ProducerThreads implements AutoCloseable {

    private final ExecutorService threads;
    private final List<Future<?>> producers = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    ProducerThreads(int count) {
        this.threads = Executors.newFixedThreadPool(count);
    }

    /** Runs {@code producer} on a thread of its own; it should end once {@link #stopping()}. */
    void start(Callable<?> producer) {
        producers.add(threads.submit(producer));
    }

    /** Asks every producer to finish what it is sending, then end. */
    void stop() {
        stopping.set(true);
    }

    boolean stopping() {
        return stopping.get();
    }

    /** Waits for every producer to end, rethrowing what one failed with. */
    void await(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> producer : producers) {
            producer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** @return whether a producer ended before being asked to: only an error ends one early */
    boolean failed() {
        return !stopping.get() && producers.stream().anyMatch(Future::isDone);
    }

    /** Throws what a producer that has ended failed with, if one did. */
    void rethrowFailure() throws Exception {
        for (Future<?> producer : producers) {
            if (producer.isDone()) {
                producer.get();
            }
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        threads.shutdownNow();
    }
}
