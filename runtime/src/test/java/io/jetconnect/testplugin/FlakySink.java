package io.jetconnect.testplugin;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Extension;

/**
 * A terminal sink for runtime tests whose first {@code fail-opens} opens fail retriably, as a sink does while its
 * broker is away; keeps when each open happened.
 */
@Extension
@TypeName("flaky")
public final class FlakySink implements EventSink {

    /** {@link System#nanoTime()} of every open, in order. */
    public static final List<Long> OPENS = new CopyOnWriteArrayList<>();

    @Override
    public void open(SinkContext context) {
        OPENS.add(System.nanoTime());
        if (OPENS.size() <= context.config().getInt("fail-opens")) {
            throw new RetriableException("the broker is not there yet");
        }
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
