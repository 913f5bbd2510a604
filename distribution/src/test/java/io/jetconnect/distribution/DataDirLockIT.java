package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Message;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code bin/jetconnect run} processes on one data-dir: the second is refused (exit 1, naming the lock
 * file and the first one's pid) before it touches the first one's spill log, and the first keeps serving.
 */
class DataDirLockIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    static String event(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/lock\",\"type\":\"lock.test\","
                + "\"data\":{\"tenantId\":\"acme\"}}";
    }

    @FaultTest
    void aSecondRunOnTheSameDataDirExits1NamingTheLockFileAndPidAndTheFirstKeepsServing() throws Exception {
        NatsServer nats = spawned.get();
        Path data = work.resolve("data");
        Path first = Files.createDirectories(work.resolve("first"));
        Path second = Files.createDirectories(work.resolve("second"));
        int firstPort = NatsServer.freePort();
        int secondPort = NatsServer.freePort();
        Path firstConfig = FaultPipeline.config(first, data, firstPort, nats.url(), "LOCKED", "", "");
        Path secondConfig = FaultPipeline.config(second, data, secondPort, nats.url(), "LOCKED", "", "");
        try (RuntimeProcess running = RuntimeProcess.run(first, firstConfig, firstPort, Map.of())) {
            assertEquals(Long.toString(running.pid()),
                    Files.readString(data.resolve(".lock"), StandardCharsets.US_ASCII).trim());

            RuntimeProcess.Result refused = RuntimeProcess.exec(second, Map.of(), "run", "--config",
                    secondConfig.toString());

            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains(data.resolve(".lock").toString()), refused.output());
            assertTrue(refused.output().contains("pid " + running.pid()), refused.output());
            assertTrue(running.isAlive(), running.output());
            assertEquals(200, running.get("/readyz").statusCode());
            HttpResponse<String> accepted = running.post("/v1/pipelines/ingest/events",
                    "application/cloudevents+json", event("acme-1"));
            assertEquals(202, accepted.statusCode(), accepted.body());
            List<Message> stored = StreamReader.readAll(nats.url(), "LOCKED");
            assertEquals(1, stored.size());
            assertEquals("acme-1", StreamReader.eventId(stored.get(0)));

            // kill -9 leaves the lock file behind; the OS dropped the lock with the process.
            running.kill();
        }
        try (RuntimeProcess restarted = RuntimeProcess.run(second, secondConfig, secondPort, Map.of())) {
            assertEquals(Long.toString(restarted.pid()),
                    Files.readString(data.resolve(".lock"), StandardCharsets.US_ASCII).trim());
            assertEquals(0, restarted.terminate(), restarted.output());
        }
    }
}
