package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sink a {@code dlq} layer wraps, for tests: records every event it is offered and answers as its current
 * {@link Mode} says: accept, fail retriably, fail permanently, or hold the stage for the test to complete.
 */
final class FakeSink implements EventSink {

    enum Mode { ACCEPT, RETRY, PERMANENT, HOLD }

    /** An event whose stage the test completes. */
    record Held(CloudEvent event, CompletableFuture<Void> stage) {
        void accept() {
            stage.complete(null);
        }

        void failRetriable() {
            stage.completeExceptionally(new RetriableException("circuit open"));
        }

        String id() {
            return event.getId();
        }
    }

    private volatile Mode mode;
    /** Accept this many more events, then switch to {@link Mode#HOLD}; negative: no limit. */
    private volatile int acceptLimit = -1;
    private final List<String> offered = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<CloudEvent> acceptedEvents = new CopyOnWriteArrayList<>();
    private final List<Held> held = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> rejected = java.util.concurrent.ConcurrentHashMap.newKeySet();

    FakeSink(Mode mode) {
        this.mode = mode;
    }

    synchronized void mode(Mode mode) {
        this.acceptLimit = -1;
        this.mode = mode;
    }

    /** Accepts {@code count} events, then holds every further one. */
    synchronized void acceptThenHold(int count) {
        this.acceptLimit = count;
        this.mode = Mode.ACCEPT;
    }

    /** Events keep order per CloudEvents subject, as the jetstream sink keeps it per NATS subject. */
    @Override
    public String orderKey(CloudEvent event) {
        return event.getSubject() == null ? "" : event.getSubject();
    }

    @Override
    public synchronized CompletionStage<Void> emit(CloudEvent event) {
        offered.add(event.getId());
        Mode m = mode;
        if (rejected.contains(event.getId())) {
            m = Mode.PERMANENT;
        } else if (m == Mode.ACCEPT && acceptLimit == 0) {
            m = Mode.HOLD;
        }
        switch (m) {
            case ACCEPT -> {
                if (acceptLimit > 0) {
                    acceptLimit--;
                }
                accepted.add(event.getId());
                acceptedEvents.add(event);
                return CompletableFuture.completedFuture(null);
            }
            case RETRY -> {
                return CompletableFuture.failedFuture(new RetriableException("broker gone"));
            }
            case PERMANENT -> {
                return CompletableFuture.failedFuture(new JetconnectException("tenant rejected by the server"));
            }
            default -> {
                CompletableFuture<Void> stage = new CompletableFuture<>();
                stage.whenComplete((v, e) -> {
                    if (e == null) {
                        accepted.add(event.getId());
                        acceptedEvents.add(event);
                    }
                });
                held.add(new Held(event, stage));
                return stage;
            }
        }
    }

    /** Fails the events with these ids permanently, whatever the mode. */
    void reject(String... ids) {
        rejected.addAll(List.of(ids));
    }

    /** @return the ids of every event offered, in order, retries included */
    List<String> offered() {
        return offered;
    }

    /** @return the ids of the events taken, in the order they were taken */
    List<String> accepted() {
        return accepted;
    }

    /** @return the events taken, as {@link #accepted()} lists their ids */
    List<CloudEvent> acceptedEvents() {
        return acceptedEvents;
    }

    List<Held> held() {
        return held;
    }

    Held held(String id) {
        return held.stream().filter(h -> h.id().equals(id)).findFirst().orElseThrow();
    }
}
