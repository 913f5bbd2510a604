package io.jetconnect.plugins.redact;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** The next sink of a layer under test: records what it receives and answers with {@link #outcome}. */
final class RecordingSink implements EventSink {

    final List<CloudEvent> events = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> outcome = CompletableFuture.completedFuture(null);
    volatile boolean closed;

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        events.add(event);
        return outcome;
    }

    @Override
    public void close() {
        closed = true;
    }

    CloudEvent only() {
        if (events.size() != 1) {
            throw new AssertionError("expected one event, got " + events.size());
        }
        return events.get(0);
    }
}
