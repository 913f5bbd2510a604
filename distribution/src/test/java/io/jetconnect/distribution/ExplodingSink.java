package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * Bad-input corpus, plugin cases: a sink whose class loads but fails to initialise
 * ({@code ExceptionInInitializerError} when a pipeline creates it). Only ever loaded from a plugin jar.
 */
@Extension
@TypeName("exploding")
public final class ExplodingSink implements EventSink {

    private static final Object STATE = refuse();

    private static Object refuse() {
        throw new IllegalStateException("ExplodingSink refuses to initialise (bad-input corpus)");
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(STATE == null ? null : null);
    }
}
