package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The circuit fails the events it held while the broker was down; the producer, not having seen that yet, emits a
 * newer event once the broker is back and a probe is due, then sends the failed ones again, oldest first, as the
 * {@code replay} source and the {@code dlq} drainer do. The newer event must not be stored (as the probe) before
 * the older ones: per subject, the stream holds the events in emit order. The fence is per subject: another
 * subject, which owes nothing, flows meanwhile.
 */
@ExtendWith(NatsServerExtension.class)
class CircuitProbeOrderIT {

    /** Two quick tries, then the circuit opens; probes at most every 5 s. */
    private static final String QUICK_CIRCUIT =
            ", retry { attempts = 2, waits = [50ms] }, backoff { initial = 200ms, max = 5s }";

    @Test
    void theProbeIsNeverNewerThanAnEventTheCircuitFailed(NatsServer server) throws Exception {
        TestContexts contexts = BrokerOutageIT.contexts(server, "PROBE", "probe", QUICK_CIRCUIT);
        JetStreamSink sink = Streams.open(contexts);
        try {
            for (int n = 1; n <= 5; n++) {
                sink.emit(event("e-" + n, "t0", n)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            server.kill();
            assertFailedWhileDown(sink, "e-", 6, 10);
            assertEquals(1.0, sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream"));
            server.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.refusesNow());

            // Emitted before the producer acted on the failures: it may fail, but must not be stored first.
            failed(sink.emit(event("e-11", "t0", 11)).toCompletableFuture());

            // The producer sends again from the oldest event not stored, each until it is stored.
            sendAgainUntilStored(sink, "e-", 6, 11);
        } finally {
            sink.close();
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), storedOrder(server, "PROBE", "e-"),
                "stored in emit order: no probe overtook the events the circuit failed");
    }

    @Test
    void aSubjectThatOwesNothingFlowsWhileAnotherOwesEvents(NatsServer server) throws Exception {
        TestContexts contexts = BrokerOutageIT.contexts(server, "FENCE", "fence", QUICK_CIRCUIT);
        JetStreamSink sink = Streams.open(contexts);
        try {
            sink.emit(event("a-1", "t0", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.kill();
            assertFailedWhileDown(sink, "a-", 2, 4);
            server.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.refusesNow());

            // Subject t0 owes a-2..a-4; subject t1 owes nothing, so its event is taken (as the probe) and stored.
            assertFalse(failed(sink.emit(event("b-1", "t1", 1)).toCompletableFuture()),
                    "an event of a subject that owes nothing is not held back by another subject's");
            // b-1's stage completes a moment before the circuit closes behind it.
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.refusesNow());
            assertFalse(failed(sink.emit(event("b-2", "t1", 2)).toCompletableFuture()));
            assertTrue(failed(sink.emit(event("a-5", "t0", 5)).toCompletableFuture()),
                    "t0 still owes a-2: a-5 would overtake it");
            CloudEvent namesake = CloudEventBuilder.from(event("a-2", "t0", 99))
                    .withSource(URI.create("/other")).build();
            assertTrue(failed(sink.emit(namesake).toCompletableFuture()),
                    "the same id from another source is another event (its Nats-Msg-Id differs), not the owed a-2");

            sendAgainUntilStored(sink, "a-", 2, 5);
        } finally {
            sink.close();
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), storedOrder(server, "FENCE", "a-"), "t0 in emit order");
        assertEquals(List.of(1L, 2L), storedOrder(server, "FENCE", "b-"), "t1 in emit order");
    }

    /** @return the numbers of the stored events whose id has the prefix, in stream order, each once */
    private static List<Long> storedOrder(NatsServer server, String stream, String prefix) throws Exception {
        List<Long> order = new ArrayList<>();
        for (Streams.Stored m : Streams.readAll(server.url(), stream)) {
            String id = m.eventId();
            if (id.startsWith(prefix)) {
                long n = Long.parseLong(id.substring(prefix.length()));
                if (!order.contains(n)) {
                    order.add(n);
                }
            }
        }
        return order;
    }

    /** Emits events {@code prefix}{@code from}..{@code to} of subject t0 at once; the circuit fails every one. */
    private static void assertFailedWhileDown(JetStreamSink sink, String prefix, int from, int to) throws Exception {
        List<CompletableFuture<Void>> held = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            held.add(sink.emit(event(prefix + n, "t0", n)).toCompletableFuture());
        }
        for (CompletableFuture<Void> stage : held) {
            assertTrue(failed(stage), "the broker is down: the circuit fails the held events");
        }
    }

    /** Sends events {@code prefix}{@code from}..{@code to} of subject t0 again, oldest first, each until stored. */
    private static void sendAgainUntilStored(JetStreamSink sink, String prefix, int from, int to) {
        for (int n = from; n <= to; n++) {
            int number = n;
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> !failed(sink.emit(event(prefix + number, "t0", number)).toCompletableFuture()));
        }
    }

    private static boolean failed(CompletableFuture<Void> stage) throws Exception {
        try {
            stage.get(30, TimeUnit.SECONDS);
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }
}
