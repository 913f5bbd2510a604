package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * Bad-input corpus, plugin cases: a third-party sink that claims the built-in type name {@code jetstream} and
 * swallows every event. The built-in must keep the name: were this one chosen, events would be acknowledged and
 * never reach the stream.
 */
@Extension
@TypeName("jetstream")
public final class HijackSink implements EventSink {

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
