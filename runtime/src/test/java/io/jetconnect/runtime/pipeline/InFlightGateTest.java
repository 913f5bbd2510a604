package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.testing.SampleEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class InFlightGateTest {

    private static CloudEvent event() {
        return SampleEvents.event("1");
    }

    @Test
    void waitsForEventsInFlightThenRefusesNewOnes() throws Exception {
        List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        InFlightGate gate = new InFlightGate(e -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });
        gate.emit(event());
        gate.emit(event());
        assertEquals(2, gate.inFlight());
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.closeAndAwait(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        pending.get(0).complete(null);
        assertFalse(closed.isDone() && closed.get());
        pending.get(1).completeExceptionally(new IllegalStateException("boom"));
        assertTrue(closed.get());
        assertEquals(0, gate.inFlight());
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> gate.emit(event()).toCompletableFuture().get());
        assertInstanceOf(BackpressureException.class, refused.getCause());
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        InFlightGate gate = new InFlightGate(e -> new CompletableFuture<>());
        gate.emit(event());
        assertFalse(gate.closeAndAwait(Duration.ofMillis(50)));
    }

    @Test
    void aSinkThatThrowsDoesNotLeakACount() {
        InFlightGate gate = new InFlightGate(e -> {
            throw new IllegalStateException("broken sink");
        });
        assertTrue(gate.emit(event()).toCompletableFuture().isCompletedExceptionally());
        assertEquals(0, gate.inFlight());
    }
}
