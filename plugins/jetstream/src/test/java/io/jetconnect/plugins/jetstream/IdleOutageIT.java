package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker killed with SIGKILL while nobody emits: the sink must notice from the connection's state alone (the
 * circuit gauge leaves 0, the pipeline is reported waiting), and once the broker is back the circuit closes within
 * seconds, not at the end of a {@code backoff.max} of minutes. A fresh server per test, since each kills it.
 */
class IdleOutageIT {

    private NatsServer server;

    @BeforeEach
    void spawn() {
        Assumptions.assumeTrue(NatsServer.onPath(), "needs nats-server on PATH to kill and restart it");
        server = NatsServer.spawn();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The runtime's context, recording what the sink reports about itself. */
    static final class Reporting implements SinkContext {
        final SinkContext real;
        final AtomicReference<String> waitingFor = new AtomicReference<>();
        final AtomicInteger availableCalls = new AtomicInteger();

        Reporting(SinkContext real) {
            this.real = real;
        }

        @Override public int position() { return real.position(); }
        @Override public String pipelineName() { return real.pipelineName(); }
        @Override public String typeName() { return real.typeName(); }
        @Override public ConnectorConfig config() { return real.config(); }
        @Override public PluginMetrics metrics() { return real.metrics(); }
        @Override public Path dataDir() { return real.dataDir(); }
        @Override public NatsSettings nats() { return real.nats(); }
        @Override public Map<String, StreamSpec> streams() { return real.streams(); }
        @Override public ThreadFactory threadFactory(String role) { return real.threadFactory(role); }
        @Override public void waiting(String reason) { waitingFor.set(reason); }

        @Override
        public void available() {
            waitingFor.set(null);
            availableCalls.incrementAndGet();
        }
    }

    private static TestContexts contexts(NatsServer server, String stream, String extra) {
        // backoff.max of minutes, as shipped: the circuit must not wait for it once the broker is back.
        return BrokerOutageIT.contexts(server, stream, stream.toLowerCase(), ", backoff { initial = 100ms, max = 180s }"
                + extra);
    }

    private static double circuit(TestContexts contexts) {
        return sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream");
    }

    @Test
    void anIdleSinkSeesTheBrokerGoAndComeBack() throws Exception {
        TestContexts contexts = contexts(server, "IDLE", "");
        Reporting context = new Reporting(contexts.sink());
        JetStreamSink sink = new JetStreamSink();
        sink.open(context);
        try {
            sink.emit(event("before", "t1", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(0.0, circuit(contexts));
            assertNull(context.waitingFor.get());

            server.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> circuit(contexts) == 1.0);
            await().atMost(Duration.ofSeconds(2)).until(() -> context.waitingFor.get() != null);
            assertTrue(context.waitingFor.get().contains("lost the connection to NATS"), context.waitingFor.get());
            assertEquals(1.0, sample(contexts, "jetconnect_sink_circuit_openings_total", "sink", "jetstream"));
            assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(5));

            // Down for a while, long enough for the watch's own attempts to back off to their longest wait.
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
            assertEquals(1.0, circuit(contexts), "still down: nobody emitted, the circuit stays open");

            server.restart();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> circuit(contexts) == 0.0);
            assertTrue(System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(5));
            await().atMost(Duration.ofSeconds(2)).until(() -> context.waitingFor.get() == null);
            assertTrue(context.availableCalls.get() >= 1);

            // The connection the watch made is the publisher's now: the next event is stored at once.
            sink.emit(event("after", "t1", 2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(2.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "published"));
        } finally {
            sink.close();
        }
    }

    @Test
    void aCircuitOpenedByTrafficClosesAsSoonAsTheBrokerIsBack() throws Exception {
        // The first probe of the open circuit would wait 60 s: the broker's return must not.
        TestContexts contexts = BrokerOutageIT.contexts(server, "TRAFFIC", "traffic",
                ", retry { attempts = 2, waits = [50ms] }, backoff { initial = 60s, max = 180s }");
        Reporting context = new Reporting(contexts.sink());
        JetStreamSink sink = new JetStreamSink();
        sink.open(context);
        try {
            sink.emit(event("before", "t1", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            server.kill();
            // Events fail until the retries are exhausted and the circuit opens.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                sink.emit(event("during-" + System.nanoTime(), "t2", 0));
                return sample(contexts, "jetconnect_sink_backoff_seconds", "sink", "jetstream") == 60.0;
            });
            assertEquals(1.0, circuit(contexts));
            assertEquals(1.0, sample(contexts, "jetconnect_sink_circuit_openings_total", "sink", "jetstream"),
                    "the connection lost and the retries exhausted are one opening");
            assertTrue(sample(contexts, "jetconnect_sink_retries_total", "sink", "jetstream") >= 1.0);

            server.restart();
            await().atMost(Duration.ofSeconds(5)).until(() -> circuit(contexts) == 0.0);
            Streams.assertConnected(contexts);
            sink.emit(event("after", "t3", 2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            sink.close();
        }
    }
}
