package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A chain that refuses one event id with a given exception the first {@code times} it sees it. */
final class RefusingChain implements EventSink {

    private final String refusedId;
    private final JetconnectException refusal;
    private int times;
    private final List<String> handled = new ArrayList<>();
    private final List<String> emitted = new ArrayList<>();

    RefusingChain(String refusedId, JetconnectException refusal, int times) {
        this.refusedId = refusedId;
        this.refusal = refusal;
        this.times = times;
    }

    @Override
    public synchronized CompletionStage<Void> emit(CloudEvent event) {
        emitted.add(event.getId());
        if (event.getId().equals(refusedId) && times > 0) {
            times--;
            return CompletableFuture.failedFuture(refusal);
        }
        handled.add(event.getId());
        return CompletableFuture.completedFuture(null);
    }

    synchronized List<String> handled() {
        return new ArrayList<>(handled);
    }

    synchronized List<String> emitted() {
        return new ArrayList<>(emitted);
    }
}
