package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.RetriableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A chain that behaves like the {@code jetstream} sink's circuit at its worst: it holds the first {@code hold}
 * events unanswered, fails them all at once when told ({@link #openCircuit}, from the test's thread), and from then
 * on stores whatever it is handed next, as a closing probe would. It records the order in which events were
 * stored, so that a test sees a newer event stored before older ones the chain failed.
 */
final class CircuitChain implements EventSink {

    private final int hold;
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<String> stored = new ArrayList<>();
    private boolean failed;

    CircuitChain(int hold) {
        this.hold = hold;
    }

    @Override
    public synchronized CompletionStage<Void> emit(CloudEvent event) {
        if (!failed) {
            if (held.size() >= hold) {
                return CompletableFuture.failedFuture(new RetriableException("held " + hold + " already"));
            }
            CompletableFuture<Void> stage = new CompletableFuture<>();
            held.add(stage);
            return stage;
        }
        stored.add(event.getId());
        return CompletableFuture.completedFuture(null);
    }

    synchronized int held() {
        return held.size();
    }

    /** Fails every held event, in order, as a circuit that gave up on them does. */
    void openCircuit() {
        List<CompletableFuture<Void>> toFail;
        synchronized (this) {
            failed = true;
            toFail = new ArrayList<>(held);
        }
        for (CompletableFuture<Void> stage : toFail) {
            stage.completeExceptionally(new RetriableException("the circuit to NATS is open"));
        }
    }

    /** @return the ids stored, in the order they were stored */
    synchronized List<String> stored() {
        return new ArrayList<>(stored);
    }
}
