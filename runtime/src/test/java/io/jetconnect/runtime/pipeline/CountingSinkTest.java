package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.testing.SampleEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class CountingSinkTest {

    private static final CloudEvent EVENT = SampleEvents.event("1");

    private static double count(SimpleMeterRegistry registry, String outcome) {
        return registry.get("jetconnect.layer.events").tag("layer", "sign").tag("position", "1")
                .tag("outcome", outcome).tag("pipeline", "p").counter().count();
    }

    @Test
    void countsWhatTheLayerReceivedCompletedAndFailedAndCompletesWithTheLayersOwnOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Deque<CompletableFuture<Void>> stages = new ArrayDeque<>();
        EventSink layer = event -> {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            return stage;
        };
        CountingSink counted = new CountingSink(layer, new MicrometerPluginMetrics(registry, "p"), "sign", 1);

        CompletionStage<Void> first = counted.emit(EVENT);
        CompletionStage<Void> second = counted.emit(EVENT);
        CompletionStage<Void> third = counted.emit(EVENT);
        counted.emit(EVENT);
        assertEquals(3 + 1, count(registry, "received"));
        assertEquals(0, count(registry, "sent"));
        assertFalse(first.toCompletableFuture().isDone(), "completes with the layer, not before");

        // Whoever waits on the stage sees the event counted already (the admin API after a 202).
        List<CountingSink.Counts> seen = new ArrayList<>();
        first.whenComplete((ok, error) -> seen.add(counted.counts()));
        stages.pollFirst().complete(null);
        IllegalStateException refused = new IllegalStateException("refused");
        stages.pollFirst().completeExceptionally(refused);
        stages.pollFirst().completeExceptionally(new BackpressureException("full", Duration.ofSeconds(1)));
        assertEquals(List.of(new CountingSink.Counts(1, 0, 0)), seen);
        assertEquals(1, count(registry, "sent"));
        assertEquals(2, count(registry, "failed"));
        assertEquals(new CountingSink.Counts(1, 1, 1), counted.counts(), "backpressure retriable, the rest permanent");
        Throwable error = assertThrows(CompletionException.class, () -> second.toCompletableFuture().join())
                .getCause();
        assertSame(refused, error, "the layer's own failure, not wrapped again");
        assertTrue(third.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void theLayersOrderingKeyShowsThrough() {
        EventSink layer = new EventSink() {
            @Override
            public CompletionStage<Void> emit(CloudEvent event) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public String orderKey(CloudEvent event) {
                return "subject." + event.getId();
            }
        };
        CountingSink counted = new CountingSink(layer, new MicrometerPluginMetrics(new SimpleMeterRegistry(), "p"),
                "jetstream", 3);
        assertEquals("subject.1", counted.orderKey(EVENT), "else a dlq in front refuses every subject as one");
    }

    @Test
    void aLayerThatThrowsCountsAsFailed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventSink throwing = event -> {
            throw new IllegalStateException("broken");
        };
        CountingSink counted = new CountingSink(throwing, new MicrometerPluginMetrics(registry, "p"), "sign", 1);
        assertThrows(IllegalStateException.class, () -> counted.emit(EVENT));
        assertEquals(1, count(registry, "received"));
        assertEquals(1, count(registry, "failed"));
        assertEquals(new CountingSink.Counts(0, 0, 1), counted.counts());
    }
}
