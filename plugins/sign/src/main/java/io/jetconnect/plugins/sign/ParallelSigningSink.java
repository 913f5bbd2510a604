package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.ForwardingSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.delivery.OrderedWindow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The signing layer for keys whose signatures cost more than handing an event to another thread: an Ed25519
 * signature takes ~35 us, so a pipeline that signs on the thread that emits cannot pass ~25,000 events/s whatever
 * the broker allows. Signatures are computed on a pool of threads of the layer's own; the signed events are handed
 * to the next sink in the order they were emitted into this layer, one at a time, which keeps the order the
 * {@link EventSink} contract promises (a global arrival order contains every emitting thread's order).
 *
 * <p>The order is kept by an {@link OrderedWindow}: an emit submits the event, its signing task settles it from a
 * worker, and the floor moving over settled events says which to pass on. An event that cannot be signed is
 * settled too (it fails on its own, as with {@link SignDecorator.SigningSink}, in its turn) and does not hold up
 * the events behind it, so the window is never fenced. At most {@code maxQueued} events wait for their signature
 * or for an earlier one's; an emit past that fails with a {@link BackpressureException}. Signing adds attributes
 * only: the next sink's key of the unsigned event is that of the signed one. Thread-safe.
 */
final class ParallelSigningSink extends ForwardingSink {

    private final EventSigner signer;
    private final PluginMetrics.Counter signed;
    private final ExecutorService workers;
    /** The Retry-After of a full layer. */
    private final Duration retryAfter;

    // The window's owner calls (submit, advance, hasRoom, size) are serialized by this lock.
    private final Object lock = new Object();
    // Guarded by lock: the events of the window and those its floor has passed but that are not passed on yet,
    // in arrival order; arrivals.size() - window.size() of them, from the head, are ready to pass on.
    private final OrderedWindow window;
    private final ArrayDeque<Slot> arrivals = new ArrayDeque<>();
    private long emitted;
    // Guarded by lock: a thread is passing the head on; the others leave the queue to it.
    private boolean passing;

    ParallelSigningSink(EventSigner signer, PluginMetrics.Counter signed, EventSink next, ExecutorService workers,
                        int maxQueued, Duration retryAfter) {
        super(next);
        this.signer = signer;
        this.retryAfter = retryAfter;
        this.signed = signed;
        this.workers = workers;
        this.window = new OrderedWindow(maxQueued, 0);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        Slot slot;
        synchronized (lock) {
            if (!window.hasRoom()) {
                return CompletableFuture.failedFuture(new BackpressureException("sign: " + window.capacity()
                        + " events are waiting for their signature", retryAfter));
            }
            slot = new Slot(event, window.submit(++emitted));
            arrivals.add(slot);
        }
        try {
            workers.execute(slot);
        } catch (RejectedExecutionException e) {
            slot.finish(null, new JetconnectException("sign: the layer is closed; event " + event.getId()
                    + " was not signed"));
        }
        return slot.outcome;
    }

    /** Passes on every event the window's floor has moved over, unless another thread already is. */
    private void passOnReady() {
        while (true) {
            Slot head;
            synchronized (lock) {
                if (passing) {
                    return;
                }
                window.advance();
                if (arrivals.size() == window.size()) {
                    return;
                }
                head = arrivals.poll();
                passing = true;
            }
            try {
                head.passOn();
            } finally {
                synchronized (lock) {
                    passing = false;
                }
            }
        }
    }

    @Override
    public void close() {
        // Every event emitted has completed before the runtime closes a layer: no signature is pending.
        workers.shutdown();
    }

    @Override
    public String toString() {
        return "ParallelSigningSink[" + signer + "] -> " + next();
    }

    /** One event on its way through the layer. */
    private final class Slot implements Runnable {
        private final CloudEvent event;
        private final long ticket;
        private final CompletableFuture<Void> outcome = new CompletableFuture<>();
        // Written before the window settles the ticket; read by the thread that passes the slot on after the floor
        // moved over it, which the window's settle (a volatile write) and advance (its read) order.
        private CloudEvent copy;
        private RuntimeException failure;

        Slot(CloudEvent event, long ticket) {
            this.event = event;
            this.ticket = ticket;
        }

        @Override
        public void run() {
            try {
                finish(signer.sign(event), null);
            } catch (JetconnectException e) {
                finish(null, e);
            }
        }

        void finish(CloudEvent signedCopy, RuntimeException error) {
            copy = signedCopy;
            failure = error;
            // Finished with either way: a failure is this event's alone and is reported in its turn.
            window.succeed(ticket);
            passOnReady();
        }

        void passOn() {
            if (failure != null) {
                outcome.completeExceptionally(failure);
                return;
            }
            signed.increment();
            CompletionStage<Void> stage;
            try {
                stage = next().emit(copy);
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e); // a sink that breaks its contract still fails only this event
                return;
            }
            stage.whenComplete((ignored, error) -> {
                if (error != null) {
                    outcome.completeExceptionally(error);
                } else {
                    outcome.complete(null);
                }
            });
        }
    }
}
