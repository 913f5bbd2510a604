package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * Bad-input corpus, plugin cases: a sink without {@code @TypeName}, so that no pipeline could name it. Only ever
 * loaded from a plugin jar the corpus builds, never by the tests themselves.
 */
@Extension
public final class UnnamedSink implements EventSink {

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
