package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of {@code config/examples/} as shipped in the distribution passes {@code check} (against the built-in
 * plugins and the example plugin, which the webhook example needs); the mirror example runs; {@code check
 * --explain} prints a plugin's keys.
 */
class ExamplesIT {

    @TempDir
    static Path shared;

    /** A copy of the distribution's config/ (the examples include ../pipeline.conf). */
    private static Path config;

    /** The built-in plugin zips and the example's jar. */
    private static Path plugins;

    @TempDir
    Path work;

    @BeforeAll
    static void copyTheConfigAndTheExamplePlugin() throws Exception {
        plugins = ExamplePluginBuild.pluginsWithTheExample(shared);
        config = Files.createDirectories(shared.resolve("config/examples")).getParent();
        Files.copy(RuntimeProcess.home().resolve("config/pipeline.conf"), config.resolve("pipeline.conf"));
        for (Path example : examples()) {
            Files.writeString(config.resolve("examples").resolve(example.getFileName()), Files.readString(example)
                    + "\njetconnect.plugins-dir = \"" + plugins + "\"\n");
        }
    }

    private static List<Path> examples() throws Exception {
        try (Stream<Path> files = Files.list(RuntimeProcess.home().resolve("config/examples"))) {
            return files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    /**
     * The files the TLS example names, made here: {@code check} reads them (a CA that parses, a {@code .creds} with
     * a user JWT and seed), and the example lets the environment name them.
     */
    private Map<String, String> natsFiles() throws Exception {
        io.nats.client.NKey account = io.nats.client.NKey.createAccount(null);
        io.nats.client.NKey user = io.nats.client.NKey.createUser(null);
        String jwt = io.nats.client.support.JwtUtils.issueUserJWT(account, new String(account.getPublicKey()),
                new String(user.getPublicKey()), "examples-it", java.time.Duration.ofHours(1));
        Path creds = Files.writeString(work.resolve("jetconnect.creds"), "-----BEGIN NATS USER JWT-----\n" + jwt
                + "\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n"
                + new String(user.getSeed()) + "\n------END USER NKEY SEED------\n");
        Path ca = Files.writeString(work.resolve("nats-ca.pem"), io.jetconnect.testing.TestCertificates.CA_PEM);
        return Map.of("NATS_CA_FILE", ca.toString(), "NATS_CREDS_FILE", creds.toString());
    }

    @Test
    void everyExamplePassesCheckWithoutWarnings() throws Exception {
        List<Path> examples = examples();
        assertTrue(examples.stream().map(p -> p.getFileName().toString()).toList().containsAll(List.of(
                "mirror.conf", "archive-jsonl.conf", "webhook.conf", "key-rotation.conf", "nats-tls.conf")),
                examples.toString());
        for (Path example : examples) {
            Path copy = config.resolve("examples").resolve(example.getFileName());
            RuntimeProcess.Result result = RuntimeProcess.exec(work, natsFiles(), "check", "--config", copy.toString());
            assertEquals(0, result.exitCode(), example + ":\n" + result.output());
            assertTrue(result.output().contains(copy + ": OK"), result.output());
            assertFalse(result.output().contains("warning"), example + ":\n" + result.output());
        }
    }

    @Test
    void theMirrorExampleCopiesStoredEventsIntoTheSecondStream() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        try (NatsServer nats = NatsServer.spawn()) {
            int port = NatsServer.freePort();
            Path mirror = config.resolve("examples/mirror.conf");
            Path file = Files.writeString(config.resolve("examples/mirror-run.conf"), Files.readString(mirror)
                    + "\njetconnect.http.port = " + port + "\njetconnect.data-dir = \"" + work.resolve("data") + "\"\n");
            try (RuntimeProcess runtime = RuntimeProcess.run(work, file, port, Map.of("NATS_URL", nats.url()))) {
                HttpResponse<String> posted = runtime.post("/v1/pipelines/ingest/events",
                        "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"m-1\",\"source\":\"/shop\","
                                + "\"type\":\"order.created\",\"data\":{\"tenantId\":\"acme\"}}");
                assertEquals(202, posted.statusCode(), posted.body());
                await().atMost(Duration.ofSeconds(30)).until(() -> StreamReader.readAll(nats.url(), "CELLOS_MIRROR")
                        .size() == 1);
                RuntimeProcess.Result tail = RuntimeProcess.exec(work, Map.of("NATS_URL", nats.url()), "tail",
                        "--config", file.toString(), "--stream", "mirror", "--since", "1", "--max", "1");
                assertEquals(0, tail.exitCode(), tail.output());
                assertTrue(tail.output().contains("\"stream_sequence\":1,\"subject\":\"mirror.cellos.events.acme.v1\""
                        + ",\"event\":{"), tail.output());
                assertTrue(tail.output().contains("\"id\":\"m-1\""), tail.output());
                assertEquals(0, runtime.terminate(), runtime.output());
            }
        }
    }

    @Test
    void explainPrintsAPluginTypesKeysWithTypeDefaultAndDoc() throws Exception {
        Path file = config.resolve("examples/webhook.conf");
        RuntimeProcess.Result webhook = RuntimeProcess.exec(work, Map.of(), "check", "--config", file.toString(),
                "--explain", "webhook");
        assertEquals(0, webhook.exitCode(), webhook.output());
        assertTrue(webhook.output().contains("webhook: a sink of plugin"), webhook.output());
        assertTrue(webhook.output().contains("  timeout = 10s   (duration)\n      How long one request may take"),
                webhook.output());
        RuntimeProcess.Result unknown = RuntimeProcess.exec(work, Map.of(), "check", "--config", file.toString(),
                "--explain", "webhok");
        assertEquals(1, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("provides a type named 'webhok'; available: "), unknown.output());
    }
}
