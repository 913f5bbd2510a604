package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that moves {@code data-dir} is refused, by {@code POST /v1/reload} (400 naming
 * {@code jetconnect.data-dir}) and by SIGHUP (logged): the running pipelines keep the old data-dir, whose spill log
 * and lock they hold, and keep serving.
 */
class DataDirReloadIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @FaultTest
    void aReloadThatMovesDataDirIsRefusedAndThePipelinesKeepTheOldOne() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path data = work.resolve("data");
        Path moved = work.resolve("moved");
        Path config = FaultPipeline.config(work, data, port, nats.url(), "RELOAD_DATA", "", "");
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            String original = Files.readString(config);
            Files.writeString(config, original.replace("data-dir = \"" + data + "\"", "data-dir = \"" + moved + "\""));
            assertTrue(Files.readString(config).contains(moved.toString()), "the edit took");

            HttpResponse<String> reply = runtime.request("POST", "/v1/reload", null);

            assertEquals(400, reply.statusCode(), reply.body());
            assertTrue(reply.body().contains("jetconnect.data-dir"), reply.body());
            runtime.awaitOutput("reload rejected: ", Duration.ofSeconds(10));
            assertTrue(runtime.output().contains("'jetconnect.data-dir': changed from " + data + " to " + moved),
                    runtime.output());
            assertServesOnTheOldDataDir(runtime, data, moved, "reload-1");

            runtime.hangUp();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(runtime.output(), "reload rejected: ") >= 2);
            assertEquals(2, count(runtime.output(), "reload rejected: "), runtime.output());
            assertTrue(runtime.isAlive());
            assertServesOnTheOldDataDir(runtime, data, moved, "reload-2");
            assertFalse(runtime.output().contains("reload: started"), "no reload applied:\n" + runtime.output());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }

    private void assertServesOnTheOldDataDir(RuntimeProcess runtime, Path data, Path moved, String id)
            throws Exception {
        assertEquals(200, runtime.get("/readyz").statusCode());
        HttpResponse<String> accepted = runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json",
                DataDirLockIT.event(id));
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertTrue(StreamReader.readAll(spawned.url(), "RELOAD_DATA").stream()
                .anyMatch(m -> id.equals(StreamReader.eventId(m))), id + " stored");
        assertFalse(Files.exists(moved), "nothing was started on the new data-dir");
        assertTrue(Files.exists(data.resolve(".lock")), "the old data-dir is still the one in use");
    }
}
