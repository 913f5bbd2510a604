package io.jetconnect.runtime.pipeline;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.ForwardingSink;
import io.jetconnect.spi.Outcome;
import io.jetconnect.spi.PluginMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what one layer of a chain received, completed and failed ({@code jetconnect_layer_events_total{layer,
 * position, outcome}}), so that an operator sees where in {@code [redact, sign, dlq, jetstream]} events stop, and
 * keeps the same counts for the admin API ({@link #counts()}), which must not depend on the meters' names.
 *
 * <p>The stage handed back completes with the layer's own outcome (the same exception, unwrapped) right after
 * counting: whoever waits on it, up to the client answered 202, sees the event already counted. Counting never
 * reorders: each stage completes on the thread that completed the layer's.
 */
final class CountingSink extends ForwardingSink {

    /**
     * What a layer did so far.
     *
     * @param taken events it completed normally
     * @param retriable events it failed with a retriable failure (backpressure, circuit open, retries exhausted)
     * @param permanent events it failed permanently (rejected)
     */
    record Counts(long taken, long retriable, long permanent) {
        static final Counts NONE = new Counts(0, 0, 0);
    }

    private final PluginMetrics.Counter received;
    private final PluginMetrics.Counter sent;
    private final PluginMetrics.Counter failed;
    private final LongAdder taken = new LongAdder();
    private final LongAdder retriable = new LongAdder();
    private final LongAdder permanent = new LongAdder();

    /** Counts, nothing more: it keeps the wrapped layer's ordering key (a dlq behind it refuses per subject by it). */
    CountingSink(EventSink layer, PluginMetrics metrics, String type, int position) {
        super(layer);
        String name = "jetconnect.layer.events";
        String help = "Events a layer of the chain received, passed on durably (sent) and failed";
        String pos = Integer.toString(position);
        received = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "received");
        sent = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "sent");
        failed = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "failed");
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        received.increment();
        CompletionStage<Void> stage;
        try {
            stage = next().emit(event);
        } catch (RuntimeException e) {
            count(e);
            throw e;
        }
        CompletableFuture<Void> counted = new CompletableFuture<>();
        stage.whenComplete((ok, error) -> {
            count(error);
            if (error == null) {
                counted.complete(null);
            } else {
                counted.completeExceptionally(error);
            }
        });
        return counted;
    }

    private void count(Throwable error) {
        Outcome outcome = Outcome.of(error);
        if (outcome == Outcome.TAKEN) {
            taken.increment();
            sent.increment();
            return;
        }
        (outcome.retriable() ? retriable : permanent).increment();
        failed.increment();
    }

    /** @return what the layer did since the chain was built */
    Counts counts() {
        return new Counts(taken.sum(), retriable.sum(), permanent.sum());
    }

    /** Unlike a plugin's layer, closes the layer it counts: it stands for that layer in the chain. */
    @Override
    public void close() {
        next().close();
    }
}
