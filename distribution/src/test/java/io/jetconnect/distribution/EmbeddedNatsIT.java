package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.nats.client.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README's run command relies on: the shipped configuration, with NATS_URL unset and nothing listening,
 * starts nats-server from PATH under data-dir, works, says so, and stops it on shutdown. Only the ports are moved,
 * so the test does not collide with anything on 4222 or 8083; moving the URL makes it configured, so the test asks
 * for the server with {@code embedded = on}. And the other side: a configured broker that is down at start is
 * never replaced by a private server.
 */
class EmbeddedNatsIT {

    @TempDir
    Path work;

    /** The runtime's listener; moved off 8083. */
    private final int httpPort = NatsServer.freePort();
    /** The broker's port in the shipped file; moved off 4222. */
    private final int natsPort = NatsServer.freePort();

    @BeforeEach
    void needsNatsServerOnPath() {
        assertTrue(NatsServer.onPath(), "this test needs nats-server on PATH (apt-get install nats-server)");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the shipped pipeline.conf with the ports set, the data under the work folder, and {@code extra} */
    private Path shipped(String extra) throws Exception {
        return Files.writeString(work.resolve("pipeline.conf"), "include file(\""
                + RuntimeProcess.home().resolve("config/pipeline.conf") + "\")\n"
                + "jetconnect.http.port = " + httpPort + "\n"
                // Relative to this file's folder (the shipped ../data would be work's parent).
                + "jetconnect.data-dir = data\n"
                + "jetconnect.nats.url = \"nats://127.0.0.1:" + natsPort + "\"\n"
                + extra);
    }

    @FaultTest
    void theShippedConfigStartsAndStopsAnEmbeddedServer() throws Exception {
        Path config = shipped("jetconnect.nats.embedded = on\n");
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, httpPort, Map.of())) {
            assertTrue(listening(natsPort), runtime.output());
            assertEquals(1, runtime.output().lines().filter(l -> l.contains(" WARN ")
                    && l.contains("started an embedded nats-server")).count(), "one WARN line:\n" + runtime.output());
            String ready = runtime.get("/readyz").body();
            assertTrue(ready.contains("\"embedded\":true") && ready.contains("\"pid\":"), ready);
            assertEquals(1.0, FaultPipeline.metric(runtime, "jetconnect_nats_embedded "), "the gauge says so");
            assertTrue(Files.isDirectory(work.resolve("data/nats")), "the store lives under data-dir");
            HttpResponse<String> response = runtime.post("/v1/pipelines/ingest/events",
                    "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"readme-1\",\"source\":\"/demo\","
                            + "\"type\":\"demo.created\",\"data\":{\"tenantId\":\"acme\"}}");
            assertEquals(202, response.statusCode(), response.body());
            List<Message> stored = StreamReader.readAll("nats://127.0.0.1:" + natsPort, "CELLOS_EVENTS");
            assertEquals(1, stored.size());
            assertEquals("cellos.events.acme.v1", stored.get(0).getSubject());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        assertFalse(listening(natsPort), "the embedded server stops with the runtime");
    }

    @FaultTest
    void aConfiguredBrokerThatIsDownAtStartIsNeverReplacedByAPrivateServer() throws Exception {
        // The shipped file (embedded = auto) with the site broker's URL set, as an operator would.
        Path config = shipped("");
        try (RuntimeProcess runtime = RuntimeProcess.runListening(work, config, httpPort, Map.of())) {
            runtime.awaitOutput("not starting an embedded nats-server: jetconnect.nats.url is configured",
                    Duration.ofSeconds(30));
            assertFalse(listening(natsPort), "nothing answers on the broker's port:\n" + runtime.output());
            assertEquals(List.of(), runtime.descendantCommands().stream().filter(c -> c.contains("nats-server"))
                    .toList(), "no nats-server child process");
            String ready = runtime.get("/readyz").body();
            assertTrue(ready.contains("\"embedded\":false"), ready);
            assertEquals(0.0, FaultPipeline.metric(runtime, "jetconnect_nats_embedded "));
            // The shipped chain has a dlq: the pipeline waits for its broker and spills (docs/operations.md, states),
            // it does not answer 202 for a private server.
            HttpResponse<String> spilled = runtime.post("/v1/pipelines/ingest/events",
                    "application/cloudevents+json", event("down-1"));
            assertEquals(202, spilled.statusCode(), "spilled to the local dlq: " + spilled.body());
            assertTrue(runtime.get("/v1/pipelines").body().contains("waiting"), "the pipeline waits for its broker");

            try (NatsServer site = NatsServer.spawnOn(natsPort)) {
                for (int i = 1; i <= 3; i++) {
                    HttpResponse<String> accepted = runtime.post("/v1/pipelines/ingest/events",
                            "application/cloudevents+json", event("up-" + i));
                    assertEquals(202, accepted.statusCode(), accepted.body());
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> StreamReader.readAll(site.url(), "CELLOS_EVENTS").size() >= 4);
                List<String> stored = StreamReader.readAll(site.url(), "CELLOS_EVENTS").stream()
                        .map(StreamReader::eventId).toList();
                assertEquals(List.of("down-1", "up-1", "up-2", "up-3"), stored,
                        "every acknowledged event is in the site broker, in order");
                assertFalse(runtime.output().contains("started an embedded nats-server"), runtime.output());
                assertEquals(0, runtime.terminate(), runtime.output());
            }
        }
    }

    private static String event(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/demo\",\"type\":\"demo.created\","
                + "\"data\":{\"tenantId\":\"acme\"}}";
    }
}
