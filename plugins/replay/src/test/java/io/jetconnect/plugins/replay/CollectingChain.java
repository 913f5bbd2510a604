package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chain that records every event emitted to it, in order, and completes each stage at once or, when slow,
 * after a random delay of up to {@code maxDelayMicros} on a scheduler (so that completions also come out of order).
 */
final class CollectingChain implements EventSink {

    private final List<String> emitted = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();
    private final long maxDelayMicros;
    private final ScheduledExecutorService scheduler;

    private CollectingChain(long maxDelayMicros) {
        this.maxDelayMicros = maxDelayMicros;
        this.scheduler = maxDelayMicros > 0 ? Executors.newScheduledThreadPool(2) : null;
    }

    static CollectingChain immediate() {
        return new CollectingChain(0);
    }

    static CollectingChain slow(long maxDelayMicros) {
        return new CollectingChain(maxDelayMicros);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        synchronized (emitted) {
            emitted.add(event.getId());
        }
        if (scheduler == null) {
            completed.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stage = new CompletableFuture<>();
        scheduler.schedule(() -> {
            completed.incrementAndGet();
            stage.complete(null);
        }, ThreadLocalRandom.current().nextLong(maxDelayMicros), TimeUnit.MICROSECONDS);
        return stage;
    }

    /** @return the ids emitted so far, in order */
    List<String> ids() {
        synchronized (emitted) {
            return new ArrayList<>(emitted);
        }
    }

    int size() {
        synchronized (emitted) {
            return emitted.size();
        }
    }

    long completed() {
        return completed.get();
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
