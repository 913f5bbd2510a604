package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
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
 * the older ones: per subject, the stream holds the events in emit order.
 */
@ExtendWith(NatsServerExtension.class)
class CircuitProbeOrderIT {

    @Test
    void theProbeIsNeverNewerThanAnEventTheCircuitFailed(NatsServer server) throws Exception {
        TestContexts contexts = BrokerOutageIT.contexts(server, "PROBE", "probe",
                ", retry { attempts = 2, waits = [50ms] }, backoff { initial = 200ms, max = 5s }");
        JetStreamSink sink = Streams.open(contexts);
        try {
            for (int n = 1; n <= 5; n++) {
                sink.emit(event("e-" + n, "t0", n)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            server.kill();
            List<CompletableFuture<Void>> held = new ArrayList<>();
            for (int n = 6; n <= 10; n++) {
                held.add(sink.emit(event("e-" + n, "t0", n)).toCompletableFuture());
            }
            for (CompletableFuture<Void> stage : held) {
                assertTrue(failed(stage), "the broker is down: the circuit fails the held events");
            }
            assertEquals(1.0, sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream"));
            server.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.refusesNow());

            // Emitted before the producer acted on the failures: it may fail, but must not be stored first.
            failed(sink.emit(event("e-11", "t0", 11)).toCompletableFuture());

            // The producer sends again from the oldest event not stored, each until it is stored.
            for (int n = 6; n <= 11; n++) {
                int number = n;
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> !failed(sink.emit(event("e-" + number, "t0", number)).toCompletableFuture()));
            }
        } finally {
            sink.close();
        }
        List<Long> order = new ArrayList<>();
        for (Streams.Stored m : Streams.readAll(server.url(), "PROBE")) {
            long n = Long.parseLong(m.eventId().substring(2));
            if (!order.contains(n)) {
                order.add(n);
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), order,
                "stored in emit order: no probe overtook the events the circuit failed");
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
