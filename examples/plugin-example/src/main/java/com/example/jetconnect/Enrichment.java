package com.example.jetconnect;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSink;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The layer an {@link EnrichDecorator} puts in front of the next sink. It never mutates an event (CloudEvents are
 * immutable): it builds an enriched copy and passes the next sink's stage through untouched, so retries and failures
 * stay the business of the runtime. Stateless, hence thread-safe and order-preserving.
 */
final class Enrichment implements EventSink {

    private final Map<String, String> extensions;
    private final boolean overwrite;
    private final EventSink next;

    Enrichment(Map<String, String> extensions, boolean overwrite, EventSink next) {
        this.extensions = Map.copyOf(extensions);
        this.overwrite = overwrite;
        this.next = next;
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        CloudEvent enriched;
        try {
            enriched = enrich(event);
        } catch (RuntimeException e) {
            // The EventSink contract: fail the stage, never throw from emit.
            return CompletableFuture.failedFuture(e);
        }
        return next.emit(enriched);
    }

    CloudEvent enrich(CloudEvent event) {
        CloudEventBuilder copy = null;
        for (Map.Entry<String, String> extension : extensions.entrySet()) {
            if (!overwrite && event.getExtension(extension.getKey()) != null) {
                continue;
            }
            if (copy == null) {
                copy = CloudEventBuilder.from(event);
            }
            copy.withExtension(extension.getKey(), extension.getValue());
        }
        return copy == null ? event : copy.build();
    }

    // No close(): a layer must not close the sink it wraps; the runtime closes every layer itself.
}
