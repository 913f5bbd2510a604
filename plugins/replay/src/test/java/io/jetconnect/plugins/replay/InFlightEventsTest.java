package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class InFlightEventsTest {

    /** A chain whose stages the test completes. */
    private static final class HeldChain implements EventSink {
        final List<CompletableFuture<Void>> stages = new ArrayList<>();

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            return stage;
        }
    }

    private static CloudEvent event(long sequence) {
        return CloudEventBuilder.v1().withId("e-" + sequence).withSource(URI.create("/test"))
                .withType("test").build();
    }

    /** @return in-flight events over {@code chain}, with these sequences emitted */
    private static InFlightEvents emitted(EventSink chain, long... sequences) {
        ReplayMetrics metrics = new ReplayMetrics(TestContexts.of("replay").sink().metrics(), "replay", () -> 0,
                () -> 0);
        InFlightEvents events = new InFlightEvents(chain, 8, metrics);
        for (long sequence : sequences) {
            events.emit(sequence, event(sequence), null);
        }
        return events;
    }

    @Test
    void aRefusalIsKeptWithoutTheWrappersTheChainAdded() {
        HeldChain chain = new HeldChain();
        InFlightEvents events = emitted(chain, 1, 2);
        RetriableException refused = new RetriableException("circuit open");

        chain.stages.get(0).complete(null);
        chain.stages.get(1).completeExceptionally(new CompletionException(new ExecutionException(refused)));

        assertSame(refused, events.refusal().cause());
        assertEquals(2, events.refusal().sequence());
        assertFalse(events.mayEmit(), "nothing newer is emitted after a refusal");
        events.advance();
        assertEquals(1, events.cursor(), "the cursor stops before the refused event");
        assertEquals(1, events.handled());
        assertEquals(0, events.outstanding());
    }

    @Test
    void acksThatCannotBeSentAreCountedAndTheCursorStillMoves() {
        TestContexts contexts = TestContexts.of("replay");
        ReplayMetrics metrics = new ReplayMetrics(contexts.sink().metrics(), "replay", () -> 0, () -> 0);
        HeldChain chain = new HeldChain();
        InFlightEvents events = new InFlightEvents(chain, 8, metrics);
        // What jnats throws when the reconnect buffer is full.
        io.nats.client.Message unsendable = (io.nats.client.Message) java.lang.reflect.Proxy.newProxyInstance(
                io.nats.client.Message.class.getClassLoader(), new Class<?>[] {io.nats.client.Message.class},
                (proxy, method, args) -> {
                    throw new IllegalStateException("Unable to queue data, the reconnect buffer is full");
                });
        for (long sequence = 1; sequence <= 3; sequence++) {
            events.emit(sequence, event(sequence), unsendable);
        }
        chain.stages.forEach(stage -> stage.complete(null));
        assertEquals(3.0, contexts.registry().get("jetconnect.source.acks.dropped").counter().count());
        events.advance();
        assertEquals(3, events.cursor(), "the server delivers them again; the read goes on");
        assertEquals(0, events.outstanding());
    }

    @Test
    void eventsTakenMoveTheCursor() {
        HeldChain chain = new HeldChain();
        InFlightEvents events = emitted(chain, 5, 6);
        chain.stages.forEach(stage -> stage.complete(null));
        events.advance();
        assertEquals(6, events.cursor());
        assertNull(events.refusal());
        assertTrue(events.mayEmit());
    }
}
