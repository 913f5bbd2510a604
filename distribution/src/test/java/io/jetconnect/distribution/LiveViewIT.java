package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an on-call sees of a running runtime: {@code /v1/pipelines} rates and {@code jetconnect top --once}, the
 * version and OpenMetrics on {@code /metrics}, and a broker killed with SIGKILL while nothing flows: the circuit
 * gauge leaves 0 and {@code /readyz} shows the pipeline waiting within seconds, and both recover once it is back.
 * A server of its own, since the last test kills it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveViewIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static NatsServer nats;
    private static RuntimeProcess runtime;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NatsServer.onPath(), "needs nats-server on PATH to kill and restart it");
        nats = NatsServer.spawn();
        port = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect {
                  data-dir = data
                  http { host = 127.0.0.1, port = %d }
                  nats { url = "%s", embedded = off }
                  streams { events { name = LIVE_EVENTS, subjects = ["live.>"], max-age = 1h } }
                  pipelines {
                    ingest {
                      source { type = http }
                      sinks = [
                        { type = dlq }
                        { type = jetstream, stream = events, subject = "live.{tenantId}.v1" }
                      ]
                    }
                  }
                }
                """.formatted(port, nats.url()));
        runtime = RuntimeProcess.run(work, config, port, Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runtime != null) {
            runtime.terminate();
            runtime.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static void post(int n) throws Exception {
        String event = "{\"specversion\":\"1.0\",\"id\":\"live-%d\",\"source\":\"/live\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\"}}";
        assertEquals(202, runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json",
                event.formatted(n)).statusCode());
    }

    private static double metric(String body, String name) {
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    @Order(1)
    void pipelinesShowRatesAndTopPrintsThem() throws Exception {
        JsonNode first = JSON.readTree(runtime.get("/v1/pipelines").body()).path("pipelines").get(0);
        assertTrue(first.path("rates").has("eventsInPerSecond"), first.toString());
        for (int i = 0; i < 20; i++) {
            post(i);
        }
        // Rates over the second since the last reading: the 20 events went in and out in it.
        await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(5)).until(() -> true);
        JsonNode rates = JSON.readTree(runtime.get("/v1/pipelines").body()).path("pipelines").get(0).path("rates");
        assertTrue(rates.path("eventsInPerSecond").asDouble() > 0, rates.toString());
        assertTrue(rates.path("eventsOutPerSecond").asDouble() > 0, rates.toString());
        assertTrue(rates.path("intervalSeconds").asDouble() >= 1.0, rates.toString());
        assertEquals(0, rates.path("spillDepth").asLong(), rates.toString());
        assertEquals(0, rates.path("lagEvents").asLong(), rates.toString());

        RuntimeProcess.Result top = RuntimeProcess.exec(work, Map.of(), "top", "--once", "--url",
                "http://127.0.0.1:" + port);
        assertEquals(0, top.exitCode(), top.output());
        String[] lines = top.output().strip().split("\n");
        String header = java.util.Arrays.stream(lines).filter(l -> l.startsWith("PIPELINE")).findFirst().orElseThrow(
                () -> new AssertionError(top.output()));
        assertTrue(header.matches("PIPELINE\\s+STATE\\s+IN/s\\s+OUT/s\\s+INFLIGHT\\s+SPILL\\s+LAG"), header);
        String row = java.util.Arrays.stream(lines).filter(l -> l.startsWith("ingest ")).findFirst().orElseThrow(
                () -> new AssertionError(top.output()));
        assertTrue(row.matches("ingest\\s+running\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\s+\\d+\\s+\\d+\\s+\\d+"), row);

        RuntimeProcess.Result unreachable = RuntimeProcess.exec(work, Map.of(), "top", "--once", "--url",
                "http://127.0.0.1:" + NatsServer.freePort());
        assertEquals(1, unreachable.exitCode(), unreachable.output());
        assertTrue(unreachable.output().contains("cannot reach the runtime"), unreachable.output());
    }

    @Test
    @Order(2)
    void metricsCarryTheVersionAndSpeakOpenMetricsWhenAsked() throws Exception {
        HttpResponse<String> plain = runtime.get("/metrics");
        assertTrue(plain.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(plain.body().matches("(?s).*jetconnect_build_info\\{version=\"\\d+\\.\\d+\\.\\d+[^\"]*\"} 1.*"),
                "build info");
        HttpResponse<String> open = runtime.send(HttpRequest.newBuilder(runtime.uri("/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .GET().build());
        assertEquals(200, open.statusCode());
        assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                open.headers().toString());
        assertTrue(open.body().endsWith("# EOF\n"));
        assertTrue(open.body().contains("jetconnect_layer_events_total{"), "per-layer counters");
        assertTrue(open.body().contains("jetconnect_http_request_seconds_bucket{"), "ingest latency histogram");
        // Prometheus' own linter on the real exposition, where installed: none of jetconnect's names may be flagged
        // (Micrometer's JVM binders have two names it dislikes: process_cpu_time_ns_total, system_cpu_count).
        java.nio.file.Path promtool = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "")
                .split(java.io.File.pathSeparator)).map(d -> Path.of(d.isEmpty() ? "." : d, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool != null) {
            Process lint = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                    .start();
            try (var in = lint.getOutputStream()) {
                in.write(plain.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String report = new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(lint.waitFor(30, TimeUnit.SECONDS));
            assertTrue(report.lines().noneMatch(l -> l.startsWith("jetconnect_") || l.contains("error")), report);
        }
    }

    @Test
    @Order(3)
    void anIdleBrokerKilledShowsInTheCircuitAndReadyz() throws Exception {
        assertEquals(0.0, metric(runtime.get("/metrics").body(), "jetconnect_sink_circuit_state"));
        nats.kill();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric(runtime.get("/metrics").body(), "jetconnect_sink_circuit_state") == 1.0);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode ready = JSON.readTree(runtime.get("/readyz").body());
            return ready.path("pipelines").path("ingest").asText().equals("waiting")
                    && ready.path("waiting").path("ingest").asText().contains("lost the connection to NATS");
        });

        nats.restart();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric(runtime.get("/metrics").body(), "jetconnect_sink_circuit_state") == 0.0);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> ready = runtime.get("/readyz");
            return ready.statusCode() == 200
                    && JSON.readTree(ready.body()).path("pipelines").path("ingest").asText().equals("running");
        });
        post(100);
    }
}
