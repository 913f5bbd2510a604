package io.jetconnect.runtime.pipeline;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.PluginMetrics;
import java.util.concurrent.CompletionStage;

/**
 * Counts what one layer of a chain received, completed and failed ({@code jetconnect_layer_events_total{layer,
 * position, outcome}}), so that an operator sees where in {@code [redact, sign, dlq, jetstream]} events stop. The
 * layer's own stage is handed back unchanged: counting never reorders or delays completion.
 */
final class CountingSink implements EventSink {

    private final EventSink layer;
    private final PluginMetrics.Counter received;
    private final PluginMetrics.Counter sent;
    private final PluginMetrics.Counter failed;

    CountingSink(EventSink layer, PluginMetrics metrics, String type, int position) {
        this.layer = layer;
        String name = "jetconnect.layer.events";
        String help = "Events a layer of the chain received, passed on durably (sent) and failed";
        String pos = Integer.toString(position);
        received = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "received");
        sent = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "sent");
        failed = metrics.counter(name, help, "layer", type, "position", pos, "outcome", "failed");
    }

    /** Counts, nothing more: the wrapped layer's ordering key (a dlq behind it refuses per subject by it). */
    @Override
    public String orderKey(CloudEvent event) {
        return layer.orderKey(event);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        received.increment();
        CompletionStage<Void> stage;
        try {
            stage = layer.emit(event);
        } catch (RuntimeException e) {
            failed.increment();
            throw e;
        }
        stage.whenComplete((ok, error) -> (error == null ? sent : failed).increment());
        return stage;
    }

    @Override
    public void close() {
        layer.close();
    }
}
