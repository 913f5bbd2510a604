package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Message;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/jetconnect} started (or its pipeline restarted through the admin API) while nats-server is
 * down. With the shipped chain {@code [redact, sign, dlq, jetstream]} the pipeline is {@code waiting}, ready, and
 * takes events (202, spilled); once the broker starts, an independent jnats reader finds every 202'd event in the
 * stream once, in order; the same through reloads ({@code POST /v1/reload} and SIGHUP) during the outage. Without
 * a dlq the pipeline is {@code waiting}, not ready, and ingest answers 503 with {@code Retry-After} until the broker
 * starts.
 */
class BrokerDownAtStartIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private NatsServer nats;
    private Path key;

    @BeforeEach
    void start() throws Exception {
        nats = spawned.get();
        nats.kill(); // its port and store stay reserved: restart() brings the broker up there
        key = FaultPipeline.signingKey(work.resolve("chain.key"));
    }

    private Path config(int httpPort, boolean dlq) throws Exception {
        return config(httpPort, dlq, "v1");
    }

    /** @param version the last token of the sink's subject: changing it makes a reload restart the pipeline */
    private Path config(int httpPort, boolean dlq, String version) throws Exception {
        String chain = dlq ? """
                        { type = redact }
                        { type = sign, key-file = "%s" }
                        { type = dlq }
                """.formatted(key) : "";
        return PipelineConf.write(work.resolve("pipeline.conf"), work.resolve("data"), httpPort, nats.url(), """
                streams { events { name = DOWN, subjects = ["down.>"], duplicate-window = 2m } }
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [
                %s        { type = jetstream, stream = events, subject = "down.{tenantId}.%s" }
                    ]
                  }
                }
                """.formatted(chain, version));
    }

    private static String event(int seq) {
        return "{\"specversion\":\"1.0\",\"id\":\"down-" + seq + "\",\"source\":\"/down\",\"type\":\"down.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\",\"seq\":" + seq + "}}";
    }

    private static HttpResponse<String> post(RuntimeProcess runtime, int seq) throws Exception {
        return runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json", event(seq));
    }

    private static String state(RuntimeProcess runtime) throws Exception {
        String body = runtime.get("/v1/pipelines/ingest").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"state\":\"(\\w+)\"").matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }

    /** Posts events one by one; each must be answered 202. */
    private static void postAccepted(RuntimeProcess runtime, int from, int to, List<String> accepted)
            throws Exception {
        for (int i = from; i < to; i++) {
            HttpResponse<String> r = post(runtime, i);
            assertEquals(202, r.statusCode(), r.body());
            accepted.add("down-" + i);
        }
    }

    /** Waits until the stream holds every accepted event, then checks: each once, in the order accepted. */
    private void assertStoredOnceInOrder(List<String> accepted) throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> StreamReader.readAll(nats.url(), "DOWN").size() >= accepted.size());
        List<String> stored = new ArrayList<>();
        for (Message m : StreamReader.readAll(nats.url(), "DOWN")) {
            stored.add(StreamReader.eventId(m));
        }
        assertEquals(accepted, stored, "every 202'd event once, in order");
    }

    @FaultTest
    void withADlqItTakesEventsWhileTheBrokerIsDownAndDrainsWhenItStarts() throws Exception {
        int port = NatsServer.freePort();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config(port, true), port, Map.of())) {
            // run() returned: /readyz said 200, the dlq takes events (before the fix: failed, 503 for the outage).
            assertEquals("waiting", state(runtime));
            HttpResponse<String> ready = runtime.get("/readyz");
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"ingest\":\"waiting\""), ready.body());
            assertTrue(ready.body().contains("cannot reach NATS"), ready.body());
            assertTrue(runtime.get("/metrics").body().contains("jetconnect_pipeline_state{pipeline=\"ingest\",} 6.0")
                    || runtime.get("/metrics").body().contains("jetconnect_pipeline_state{pipeline=\"ingest\"} 6"),
                    "state 6 = waiting");
            List<String> accepted = new ArrayList<>();
            postAccepted(runtime, 0, 50, accepted);
            assertTrue(FaultPipeline.metric(runtime, "jetconnect_dlq_events{") > 0, "spilled");

            nats.restart();
            assertStoredOnceInOrder(accepted);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(runtime).equals("running"));
            postAccepted(runtime, 50, 60, accepted);
            assertStoredOnceInOrder(accepted);
        }
    }

    @FaultTest
    void withoutADlqItAnswers503WithRetryAfterUntilTheBrokerStarts() throws Exception {
        int port = NatsServer.freePort();
        try (RuntimeProcess runtime = RuntimeProcess.runUnready(work, config(port, false), port, Map.of())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> state(runtime).equals("waiting"));
            HttpResponse<String> refused = post(runtime, 0);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
            HttpResponse<String> ready = runtime.get("/readyz");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"ingest\":\"waiting\""), ready.body());

            nats.restart();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(runtime, 1).statusCode() == 202);
            assertEquals("running", state(runtime));
            assertEquals(200, runtime.get("/readyz").statusCode());
            List<String> stored = new ArrayList<>();
            for (Message m : StreamReader.readAll(nats.url(), "DOWN")) {
                stored.add(StreamReader.eventId(m));
            }
            assertEquals(List.of("down-1"), stored, "the 503'd event is not stored; the 202'd one is");
        }
    }

    @FaultTest
    void reloadsDuringTheOutageKeepTakingEventsAndDrainWhatWasSpilledBeforeThem() throws Exception {
        nats.restart();
        int port = NatsServer.freePort();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config(port, true, "v1"), port, Map.of())) {
            List<String> accepted = new ArrayList<>();
            postAccepted(runtime, 0, 20, accepted);
            assertStoredOnceInOrder(accepted);

            nats.kill();
            postAccepted(runtime, 20, 40, accepted); // spilled by the pipeline the reload replaces

            config(port, true, "v2");
            HttpResponse<String> reloaded = runtime.request("POST", "/v1/reload", "{}");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertTrue(reloaded.body().contains("\"restarted\":[\"ingest\"]"), reloaded.body());
            assertEquals("waiting", state(runtime), "before the fix: failed, and 503 for the whole outage");
            postAccepted(runtime, 40, 60, accepted);

            config(port, true, "v3");
            runtime.hangUp();
            runtime.awaitOutput("reload: started [], restarted [ingest]", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> state(runtime).equals("waiting"));
            postAccepted(runtime, 60, 80, accepted);
            HttpResponse<String> ready = runtime.get("/readyz");
            assertEquals(200, ready.statusCode(), "with a dlq a waiting pipeline is ready: " + ready.body());

            nats.restart();
            assertStoredOnceInOrder(accepted);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(runtime).equals("running"));
        }
    }

    @FaultTest
    void aRestartThroughTheAdminApiDuringTheOutageKeepsTakingEvents() throws Exception {
        nats.restart();
        int port = NatsServer.freePort();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config(port, true), port, Map.of())) {
            assertEquals("running", state(runtime));
            List<String> accepted = new ArrayList<>();
            postAccepted(runtime, 0, 20, accepted);
            assertStoredOnceInOrder(accepted);

            nats.kill();
            HttpResponse<String> restarted = runtime.request("POST", "/v1/pipelines/ingest/restart", null);
            assertEquals(200, restarted.statusCode(), restarted.body());
            assertTrue(restarted.body().contains("\"state\":\"waiting\""), "before the fix: failed; "
                    + restarted.body());
            postAccepted(runtime, 20, 60, accepted);

            nats.restart();
            assertStoredOnceInOrder(accepted);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(runtime).equals("running"));
        }
    }
}
