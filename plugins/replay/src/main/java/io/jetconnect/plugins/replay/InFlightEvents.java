package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.Outcome;
import io.jetconnect.spi.delivery.OrderedWindow;
import io.nats.client.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events a source has emitted to the chain and the chain has not finished with: emits them (from the source's
 * one thread), and on completion settles them in the {@link OrderedWindow} whose floor is the cursor, counts the
 * event handled and, for a durable consumer, acks the message (naks it when refused, so the server delivers it
 * again). The first refusal is kept for the source's thread to act on. Completions run on the chain's threads and
 * do only that.
 *
 * <p>Ordering: a refused event of an ephemeral read fails its delivery, which fences the window, and
 * {@link #mayEmit()} is false from then until the source has rewound ({@link #reset}): the source emits nothing
 * newer after a refusal it has been told of, because the chain (the {@code jetstream} sink's circuit probe, say)
 * could store that newer event before the refused one is emitted again.
 */
final class InFlightEvents {

    private static final Logger LOG = LoggerFactory.getLogger(InFlightEvents.class);
    private static final Duration NAK_DELAY = Duration.ofSeconds(1);
    private static final long WAIT_SLICE = TimeUnit.MILLISECONDS.toNanos(10);

    /** The least time between two WARN lines about dropped acks; those between are counted into the next. */
    private static final long DROP_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    /** The first event the chain refused, and why. */
    record Refusal(long sequence, Throwable cause) {
    }

    private final EventSink chain;
    private final OrderedWindow window;
    private final ReplayMetrics metrics;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder handled = new LongAdder();
    private final AtomicReference<Refusal> refusal = new AtomicReference<>();
    private final AtomicLong droppedUnlogged = new AtomicLong();
    private final AtomicLong nextDropLog = new AtomicLong(System.nanoTime());

    InFlightEvents(EventSink chain, int maxInFlight, ReplayMetrics metrics) {
        this.chain = chain;
        this.window = new OrderedWindow(maxInFlight, 0);
        this.metrics = metrics;
    }

    /** Waits until one more event may be emitted; false at once after a refusal. See {@link OrderedWindow#awaitRoom}. */
    boolean awaitRoom(long timeoutNanos) {
        // Room without waiting is the usual case: no advance, no waiter to publish, per event.
        return refusal.get() == null && (window.hasRoom() || window.awaitRoom(timeoutNanos));
    }

    /** @return whether nothing was refused since the last rewind, so that a newer event may follow; any thread */
    boolean mayEmit() {
        return refusal.get() == null && !window.fenced();
    }

    /**
     * Emits an event. Source thread only, with room in the window.
     *
     * @param durable the message to ack once the chain handled the event, or null (no acks)
     */
    void emit(long sequence, CloudEvent event, Message durable) {
        long token = window.submit(sequence);
        outstanding.incrementAndGet();
        CompletionStage<Void> stage;
        try {
            stage = chain.emit(event);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete(new Completion(token, sequence, durable));
    }

    /** Lets the cursor move over a message that is not emitted (not a CloudEvent). Source thread only. */
    void skip(long sequence) {
        window.succeed(window.submit(sequence));
    }

    /** Moves the cursor over what is done; source thread only. */
    void advance() {
        window.advance();
    }

    /** @return the last sequence up to which every emitted event was handled; any thread */
    long cursor() {
        return window.floor();
    }

    /** Forgets every delivery and sets the cursor; source thread only, with nothing outstanding. */
    void reset(long cursor) {
        window.reset(cursor);
    }

    /** @return whether no delivery is ahead of the cursor (source thread only) */
    boolean settled() {
        return outstanding.get() == 0 && window.size() == 0;
    }

    int outstanding() {
        return outstanding.get();
    }

    /** @return events the chain handled since the source started */
    long handled() {
        return handled.sum();
    }

    /** @return the first refusal not yet cleared, or null */
    Refusal refusal() {
        return refusal.get();
    }

    void clearRefusal() {
        refusal.set(null);
    }

    /**
     * Waits for every emitted event to complete. Source thread only.
     *
     * @return whether none is outstanding any more; false after the timeout or an interrupt
     */
    boolean awaitOutstanding(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (outstanding.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            // Stop and rewind paths only: a short poll keeps completions free of any signalling.
            LockSupport.parkNanos(this, Math.min(left, WAIT_SLICE));
        }
        return true;
    }

    /**
     * Counts an ack or nak that never left, and says so at WARN at most every {@link #DROP_LOG_INTERVAL}: when the
     * reconnect buffer is full they come by the thousand.
     */
    private void dropped(long sequence, RuntimeException e) {
        metrics.ackDropped();
        droppedUnlogged.incrementAndGet();
        long now = System.nanoTime();
        long due = nextDropLog.get();
        if (now - due >= 0 && nextDropLog.compareAndSet(due, now + DROP_LOG_INTERVAL)) {
            LOG.warn("could not ack or nak {} event(s) (the last: sequence {}: {}); the durable consumer delivers "
                    + "them again", droppedUnlogged.getAndSet(0), sequence, e.getMessage());
        }
    }

    /** What happens when the chain completes an event's stage; runs on the completing thread, briefly. */
    private final class Completion implements BiConsumer<Void, Throwable> {

        private final long token;
        private final long sequence;
        private final Message durable;

        Completion(long token, long sequence, Message durable) {
            this.token = token;
            this.sequence = sequence;
            this.durable = durable;
        }

        @Override
        public void accept(Void ignored, Throwable error) {
            try {
                if (error == null) {
                    handled.increment();
                    metrics.handled();
                    if (durable != null) {
                        durable.ack();
                    }
                    window.succeed(token);
                    return;
                }
                Throwable cause = Outcome.unwrap(error);
                if (durable != null) {
                    // Handed back to the server, so the window moves on; the refusal still pauses the source.
                    durable.nakWithDelay(NAK_DELAY);
                    window.succeed(token);
                } else {
                    // Set before the fence: a source that sees the fence finds the refusal to act on.
                    refusal.compareAndSet(null, new Refusal(sequence, cause));
                    window.fail(token);
                    return;
                }
                refusal.compareAndSet(null, new Refusal(sequence, cause));
            } catch (RuntimeException e) {
                // An ack or nak on a closed connection, or past a full reconnect buffer (shared by every source on
                // the connection): the durable consumer delivers the event again, a duplicate downstream.
                window.succeed(token);
                dropped(sequence, e);
            } finally {
                outstanding.decrementAndGet();
            }
        }
    }
}
