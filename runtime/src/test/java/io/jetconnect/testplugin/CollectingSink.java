package io.jetconnect.testplugin;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Extension;

/** A terminal sink for runtime tests: keeps every event in a static list, so a test can read what arrived. */
@Extension
@TypeName("collect")
public final class CollectingSink implements EventSink {

    /** Every event any instance received, in order. */
    public static final List<CloudEvent> EVENTS = new CopyOnWriteArrayList<>();
    /** The value of the {@code label} setting each opened instance saw. */
    public static final List<String> LABELS = new CopyOnWriteArrayList<>();
    /** How many instances were closed. */
    public static final List<String> CLOSED = new CopyOnWriteArrayList<>();

    private String label;

    @Override
    public void open(SinkContext context) {
        label = context.config().getString("label");
        LABELS.add(label);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        EVENTS.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        CLOSED.add(label);
    }
}
