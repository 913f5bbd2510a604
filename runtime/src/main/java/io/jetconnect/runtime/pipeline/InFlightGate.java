package io.jetconnect.runtime.pipeline;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.ForwardingSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The head of every chain as the source sees it: counts the events in flight so that a stopping pipeline can wait
 * until every emitted event has completed, and refuses events once the pipeline is closing. One atomic increment
 * and one decrement per event, and a striped count of those the chain handled (the admin API's
 * {@code sourceEvents}, counted before the source learns the outcome); nothing else on the hot path.
 */
final class InFlightGate extends ForwardingSink {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final AtomicLong inFlight = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder handled = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;
    private volatile boolean waiting;
    private final Object drained = new Object();

    /** Counts, nothing more: it keeps the wrapped layer's ordering key (a dlq behind it refuses per subject by it). */
    InFlightGate(EventSink next) {
        super(next);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        if (closed) {
            return CompletableFuture.failedFuture(new BackpressureException("pipeline is stopping", RETRY_AFTER));
        }
        inFlight.incrementAndGet();
        CompletionStage<Void> stage;
        try {
            stage = next().emit(event);
        } catch (RuntimeException e) {
            release();
            return CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((ok, error) -> {
            if (error == null) {
                handled.increment();
            }
            release();
        });
    }

    private void release() {
        // Only a stopping or pausing thread waits; the hot path takes no lock otherwise.
        if (inFlight.decrementAndGet() == 0 && waiting) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** @return the events the source emitted and the chain completed normally (durably handled) */
    long handled() {
        return handled.sum();
    }

    /** @return the number of events emitted and not yet completed */
    long inFlight() {
        return inFlight.get();
    }

    /**
     * Refuses further events and waits for those in flight.
     *
     * @return whether every event completed within the timeout
     */
    boolean closeAndAwait(Duration timeout) throws InterruptedException {
        closed = true;
        return awaitIdle(timeout);
    }

    /**
     * Waits until no event is in flight, without refusing new ones (a paused pipeline's source emits none).
     *
     * @return whether that happened within the timeout
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waiting = true;
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return true;
    }
}
