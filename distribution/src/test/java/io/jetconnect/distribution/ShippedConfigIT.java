package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code config/pipeline.conf} as an operator meets it: the build's version first, no WARN on a start
 * that generates nothing, and {@code strict = true} usable because the pipeline acknowledges its one known hazard.
 */
class ShippedConfigIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private static String version() {
        return RuntimeProcess.home().getFileName().toString().substring("jetconnect-".length());
    }

    private Path shipped(int port, String extra) throws Exception {
        String text = Files.readString(RuntimeProcess.home().resolve("config/pipeline.conf"))
                .replace("port = 8083", "port = " + port)
                .replace("jetconnect {", "jetconnect {\n" + extra);
        return Files.writeString(work.resolve("pipeline.conf"), text);
    }

    private static List<String> warnings(String output) {
        return output.lines().filter(line -> line.matches("^\\S+ (WARN|ERROR) .*")).toList();
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "--version");
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("jetconnect " + version(), result.output().strip());
    }

    @Test
    void theShippedConfigStartsWithTheVersionFirstAndWithoutWarnings() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path config = shipped(port, "");
        Map<String, String> env = Map.of("NATS_URL", nats.url());
        String first;
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, env)) {
            // The README's quickstart: post an event, see it stored with its subject.
            var posted = runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json",
                    "{\"specversion\":\"1.0\",\"id\":\"order-1\",\"source\":\"/shop\",\"type\":\"order.created\","
                            + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\",\"total\":42,"
                            + "\"password\":\"hunter2\"}}");
            assertEquals(202, posted.statusCode(), posted.body());
            RuntimeProcess.Result tail = RuntimeProcess.exec(work, env, "tail", "--config", config.toString(),
                    "--stream", "CELLOS_EVENTS", "--since", "0", "--max", "1");
            assertEquals(0, tail.exitCode(), tail.output());
            assertTrue(tail.output().contains("{\"stream_sequence\":1,\"subject\":\"cellos.events.acme.v1\","
                    + "\"event\":{"), tail.output());
            assertTrue(tail.output().contains("\"password\":\"[REDACTED]\""), tail.output());
            assertEquals(0, runtime.terminate(), runtime.output());
            first = runtime.output();
        }
        assertTrue(first.lines().findFirst().orElse("").contains("jetconnect " + version() + " starting (config "
                + config), first);
        // The first start generates the development signing key, and says so once.
        assertTrue(warnings(first).stream().allMatch(w -> w.contains("generated a development HMAC signing key")),
                String.join("\n", warnings(first)));
        assertTrue(first.contains("acknowledged (dlq-before-jetstream)"), first);

        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, env)) {
            assertEquals(0, runtime.terminate(), runtime.output());
            assertEquals(List.of(), warnings(runtime.output()), runtime.output());
            assertTrue(runtime.output().lines().findFirst().orElse("").contains("jetconnect " + version()
                    + " starting"), runtime.output());
        }
    }

    @Test
    void strictPassesCheckWithTheShippedAcknowledgementAndFailsWithoutIt() throws Exception {
        Path config = shipped(NatsServer.freePort(), "strict = true");
        RuntimeProcess.Result accepted = RuntimeProcess.exec(work, Map.of(), "check", "--config", config.toString());
        assertEquals(0, accepted.exitCode(), accepted.output());
        assertTrue(accepted.output().contains("acknowledged (dlq-before-jetstream)"), accepted.output());
        assertEquals(List.of(), accepted.output().lines().filter(l -> l.contains("warning")).toList());

        Files.writeString(config, Files.readString(config).replace("acknowledge = [dlq-before-jetstream]", ""));
        RuntimeProcess.Result refused = RuntimeProcess.exec(work, Map.of(), "check", "--config", config.toString());
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains(": error (jetconnect.strict): 'dlq' spills events for 'jetstream'"),
                refused.output());
        assertTrue(refused.output().contains("add acknowledge = [dlq-before-jetstream] to the pipeline"),
                refused.output());
    }
}
