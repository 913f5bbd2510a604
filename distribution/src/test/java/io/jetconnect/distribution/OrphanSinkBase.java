package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bad-input corpus, plugin cases: the superclass of {@link OrphanSink}, left out of the plugin jar so that the
 * extension class fails to load ({@code NoClassDefFoundError}).
 */
public abstract class OrphanSinkBase implements EventSink {

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
