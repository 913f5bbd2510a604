package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
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
 * <p>An event that cannot be signed fails on its own, as with {@link SignDecorator.SigningSink}, and does not hold
 * up the events behind it. The queue is bounded by the pipeline's events in flight, which the runtime limits.
 * Thread-safe.
 */
final class ParallelSigningSink implements EventSink {

    private final EventSigner signer;
    private final PluginMetrics.Counter signed;
    private final EventSink next;
    private final ExecutorService workers;

    private final Object lock = new Object();
    // Guarded by lock: events in arrival order, the head being the next to pass on.
    private final ArrayDeque<Slot> arrivals = new ArrayDeque<>();
    // Guarded by lock: a thread is passing the head on; the others leave the queue to it.
    private boolean passing;

    ParallelSigningSink(EventSigner signer, PluginMetrics.Counter signed, EventSink next, ExecutorService workers) {
        this.signer = signer;
        this.signed = signed;
        this.next = next;
        this.workers = workers;
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        Slot slot = new Slot(event);
        synchronized (lock) {
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

    /** Passes on every head of the queue that is done, unless another thread already is. */
    private void passOnReady() {
        while (true) {
            Slot head;
            synchronized (lock) {
                head = arrivals.peek();
                if (passing || head == null || !head.done) {
                    return;
                }
                arrivals.poll();
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
        return "ParallelSigningSink[" + signer + "] -> " + next;
    }

    /** One event on its way through the layer. */
    private final class Slot implements Runnable {
        private final CloudEvent event;
        private final CompletableFuture<Void> outcome = new CompletableFuture<>();
        // Written under lock by finish(); read by the thread that saw done under the lock and passes the slot on.
        private boolean done;
        private CloudEvent copy;
        private RuntimeException failure;

        Slot(CloudEvent event) {
            this.event = event;
        }

        @Override
        public void run() {
            try {
                finish(signer.sign(event), null);
            } catch (JetconnectException e) {
                finish(null, e);
            } catch (RuntimeException e) {
                finish(null, new JetconnectException("cannot sign event " + event.getId() + ": " + e, e));
            }
        }

        void finish(CloudEvent signedCopy, RuntimeException error) {
            synchronized (lock) {
                copy = signedCopy;
                failure = error;
                done = true;
            }
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
                stage = next.emit(copy);
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
