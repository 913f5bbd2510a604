package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet mode as an operator meets it: two runtimes of the built distribution share one nats-server and take their
 * pipelines from one bucket; {@code config push} publishes a file (after refusing an invalid one, writing nothing),
 * both run it, a second push (one pipeline removed, one added, one unchanged) is applied by both as a reload
 * (the unchanged one untouched), and when one runtime is killed with SIGKILL the other's {@code GET /v1/cluster}
 * shows it dead within {@code worker-timeout} + 5 s.
 */
class FleetModeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private static String cluster(String workerId) {
        return "cluster { name = it, bucket = fleet-it, heartbeat = 1s, worker-timeout = "
                + WORKER_TIMEOUT.toSeconds() + "s" + (workerId == null ? "" : ", worker-id = " + workerId) + " }\n";
    }

    private static String pipeline(String name) {
        return name + " { source { type = http }, sinks = [{ type = jetstream, stream = events, subject = \"fleet."
                + name + "\" }] }\n";
    }

    private static String definitions(String... pipelines) {
        StringBuilder body = new StringBuilder(cluster(null)
                + "streams { events { name = FLEET, subjects = [\"fleet.>\"] } }\npipelines {\n");
        for (String p : pipelines) {
            body.append("  ").append(pipeline(p));
        }
        return body.append("}\n").toString();
    }

    private RuntimeProcess.Result push(String body) throws Exception {
        Path file = PipelineConf.write(work.resolve("fleet.conf"), work.resolve("push-data"), 0, spawned.url(), body);
        return RuntimeProcess.exec(work, Map.of(), "config", "push", "--config", file.toString());
    }

    private RuntimeProcess worker(String id) throws Exception {
        Path dir = Files.createDirectories(work.resolve(id));
        int port = NatsServer.freePort();
        Path config = PipelineConf.write(dir.resolve("pipeline.conf"), dir.resolve("data"), port, spawned.url(),
                cluster(id));
        return RuntimeProcess.run(dir, config, port, Map.of());
    }

    private static JsonNode json(RuntimeProcess runtime, String path) throws Exception {
        return JSON.readTree(runtime.get(path).body());
    }

    private static List<String> running(RuntimeProcess runtime) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode p : json(runtime, "/v1/pipelines").get("pipelines")) {
            if (p.get("state").asText().equals("running")) {
                names.add(p.get("name").asText());
            }
        }
        return names;
    }

    private static JsonNode workerIn(JsonNode view, String id) {
        for (JsonNode w : view.get("workers")) {
            if (w.get("id").asText().equals(id)) {
                return w;
            }
        }
        return null;
    }

    @Test
    void twoWorkersRunWhatIsPushedApplyChangesAndSeeEachOtherDie() throws Exception {
        String invalid = definitions("alpha").replace("sinks = [", "sinkz = [");
        RuntimeProcess.Result refused = push(invalid);
        assertEquals(1, refused.exitCode(), refused.output());
        int line = PipelineConf.lineOf(PipelineConf.text(work.resolve("push-data"), 0, spawned.url(), invalid),
                "sinkz");
        assertTrue(refused.output().contains("fleet.conf:" + line + ": Unknown key 'jetconnect.pipelines.alpha.sinkz'"),
                refused.output());

        RuntimeProcess.Result pushed = push(definitions("alpha", "beta"));
        assertEquals(0, pushed.exitCode(), pushed.output());
        assertTrue(pushed.output().contains("written [streams.events, pipelines.alpha, pipelines.beta]"),
                pushed.output());

        try (RuntimeProcess w1 = worker("w1"); RuntimeProcess w2 = worker("w2")) {
            for (RuntimeProcess w : List.of(w1, w2)) {
                assertEquals(List.of("alpha", "beta"), running(w), w.output());
                assertEquals(202, w.post("/v1/pipelines/alpha/events", "application/cloudevents+json",
                        DataDirLockIT.event("via-" + w.pid())).statusCode());
            }
            assertEquals(2, FaultPipeline.streamCount(spawned.url(), "FLEET"), "each worker stored its event");

            RuntimeProcess.Result changed = push(definitions("alpha", "gamma"));
            assertEquals(0, changed.exitCode(), changed.output());
            assertTrue(changed.output().contains("written [pipelines.gamma], deleted [pipelines.beta], unchanged "
                    + "[streams.events, pipelines.alpha]"), changed.output());
            for (RuntimeProcess w : List.of(w1, w2)) {
                w.awaitOutput("reload: started [gamma], restarted [], stopped [beta], unchanged [alpha]",
                        Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).until(() -> running(w).equals(List.of("alpha", "gamma")));
                assertEquals(404, w.get("/v1/pipelines/beta").statusCode());
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> json(w1, "/v1/cluster").get("alive").asInt() == 2);
            JsonNode view = json(w1, "/v1/cluster");
            assertEquals("w1", view.get("self").asText());
            assertEquals("[\"alpha\",\"gamma\"]", view.get("pipelines").toString());
            JsonNode seen = workerIn(view, "w2");
            assertTrue(seen.get("adminUrl").asText().startsWith("http://127.0.0.1:"), seen.toString());
            assertEquals("running", seen.get("pipelines").get(0).get("state").asText(), seen.toString());
            assertTrue(seen.get("pipelines").get(0).get("spill").has("depth"), seen.toString());

            w2.kill();
            long killedAt = System.nanoTime();

            await().atMost(WORKER_TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !workerIn(json(w1, "/v1/cluster"), "w2").get("alive").asBoolean());
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            System.out.printf("fleet: worker killed with SIGKILL shown dead after %.1f s (worker-timeout %ds)%n",
                    seconds, WORKER_TIMEOUT.toSeconds());
            JsonNode after = json(w1, "/v1/cluster");
            assertTrue(workerIn(after, "w1").get("alive").asBoolean());
            assertEquals(1, after.get("dead").asInt());
            assertFalse(w2.isAlive());
            assertEquals(0, w1.terminate(), w1.output());
        }
    }
}
