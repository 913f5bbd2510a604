package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * {@link FatalErrorIT}: a sink whose thread, started from the runtime's thread factory when it opens, dies of a
 * real {@link StackOverflowError}. Only ever loaded from a plugin jar the test builds.
 */
@Extension
@TypeName("dying")
public final class DyingSink implements EventSink {

    @Override
    public void open(SinkContext context) {
        context.threadFactory("dying").newThread(DyingSink::recurse).start();
    }

    private static void recurse() {
        recurse();
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
