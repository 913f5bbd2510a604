package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, "getting it running", against the built distribution as a real process: a broker without JetStream
 * said in one line by {@code check --connect}, {@code run} and {@code /readyz}; an installation never written to;
 * {@code check} refusing what {@code run} refuses; keys overridden from the environment and {@code -D}; a port in
 * use answered with the key to change; relative paths taken from the config file's folder.
 */
class GettingRunningIT {

    private static final String NO_JETSTREAM = "has JetStream disabled; start nats-server with -js "
            + "(Debian's packaged service does not)";

    @TempDir
    Path work;

    private NatsServer nats;

    @AfterEach
    void stop() {
        if (nats != null) {
            nats.close();
        }
    }

    /** A pipeline.conf in {@code dir}: http -> sign (development key) -> jetstream into stream CHECKED. */
    private static Path config(Path dir, String natsUrl, int httpPort, String extra, String sinkStream)
            throws IOException {
        Files.createDirectories(dir);
        return PipelineConf.write(dir.resolve("pipeline.conf"), "data", httpPort, natsUrl, """
                streams { events { name = CHECKED, subjects = ["checked.>"] } }
                %s
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [
                      { type = sign, key-file = data/keys/dev.key, generate-if-missing = true }
                      { type = jetstream, stream = %s, subject = "checked.{tenantId}" }
                    ]
                  }
                }
                """.formatted(extra, sinkStream));
    }

    @Test
    void aBrokerWithoutJetStreamIsSaidInOneLineByCheckConnectRunAndReadyz() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawnWithoutJetStream();
        int port = NatsServer.freePort();
        Path config = config(work.resolve("conf"), nats.url(), port,
                "pipelines.tail { source { type = live-tail, stream = events }, sinks = [ { type = stdout } ] }",
                "events");
        String line = "NATS at " + nats.url() + " " + NO_JETSTREAM;

        RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--connect", "--config",
                config.toString());
        assertEquals(3, checked.exitCode(), checked.output());
        assertTrue(checked.output().contains("connect: " + line), checked.output());

        try (RuntimeProcess runtime = RuntimeProcess.runUnready(work, config, port, Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.get("/readyz").body().contains(line));
            assertEquals(503, runtime.get("/readyz").statusCode());
            runtime.awaitOutput("pipeline ingest waiting: " + line, Duration.ofSeconds(10));
            runtime.awaitOutput(line + "; retrying in", Duration.ofSeconds(10)); // the live-tail source
            assertFalse(runtime.output().contains("Timeout or no response waiting for NATS JetStream server"),
                    runtime.output());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }

    @Test
    void checkConnectNamesWhatRunWouldFindAtAJetStreamBroker() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawn();
        Path config = config(work.resolve("conf"), nats.url(), NatsServer.freePort(), "", "events");

        RuntimeProcess.Result absent = RuntimeProcess.exec(work, Map.of(), "check", "--connect", "--config",
                config.toString());
        assertEquals(0, absent.exitCode(), absent.output());
        assertTrue(absent.output().contains("connect: JetStream is enabled"), absent.output());
        assertTrue(absent.output().contains("stream CHECKED is absent; run creates it"), absent.output());

        try (Connection nc = Nats.connect(nats.url())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("CHECKED")
                    .subjects("other.>").storageType(StorageType.Memory).build());
        }
        RuntimeProcess.Result incompatible = RuntimeProcess.exec(work, Map.of(), "check", "--connect", "--config",
                config.toString());
        assertEquals(3, incompatible.exitCode(), incompatible.output());
        assertTrue(incompatible.output().contains("stream CHECKED exists but it does not have the declared "
                + "subjects [checked.>]"), incompatible.output());
        assertTrue(incompatible.output().contains("its storage is memory, declared file"), incompatible.output());

        nats.close();
        RuntimeProcess.Result down = RuntimeProcess.exec(work, Map.of(), "check", "--connect", "--config",
                config.toString());
        assertEquals(3, down.exitCode(), down.output());
        assertTrue(down.output().contains("connect: cannot connect to NATS at " + nats.url()), down.output());
        nats = null;
    }

    @Test
    void checkConnectSaysWhenTheBrokerRefusesTheCredentials() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawn("--user", "jetconnect", "--pass", "right");
        String wrong = nats.url().replace("nats://", "nats://jetconnect:wrong@");
        Path config = config(work.resolve("conf"), wrong, NatsServer.freePort(), "", "events");
        RuntimeProcess.Result refused = RuntimeProcess.exec(work, Map.of(), "check", "--connect", "--config",
                config.toString());
        assertEquals(3, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("refused the credentials"), refused.output());
        assertFalse(refused.output().contains("wrong"), "no secret in the output: " + refused.output());
    }

    @Test
    void checkRefusesWhatRunRefusesAtTheUsersLine() throws Exception {
        String url = "nats://127.0.0.1:" + NatsServer.freePort();
        Path misspelt = config(work.resolve("misspelt"), url, 0, "", "evnets");
        RuntimeProcess.Result typo = RuntimeProcess.exec(work, Map.of(), "check", "--config", misspelt.toString());
        assertEquals(1, typo.exitCode(), typo.output());
        assertTrue(typo.output().contains(misspelt + ":12: Invalid value at 'jetconnect.pipelines.ingest.sinks[1]"
                + ".stream': 'evnets' is not declared in jetconnect.streams (did you mean 'events'?)"), typo.output());

        Path open = config(work.resolve("open"), url, 0, "http.host = 0.0.0.0", "events");
        RuntimeProcess.Result host = RuntimeProcess.exec(work, Map.of(), "check", "--config", open.toString());
        assertEquals(1, host.exitCode(), host.output());
        assertTrue(host.output().contains(open + ":6: Invalid value at 'jetconnect.http.host': 0.0.0.0 is not a "
                + "loopback address: set jetconnect.http.admin-token-file"), host.output());

        Path replay = Files.writeString(Files.createDirectories(work.resolve("replay")).resolve("pipeline.conf"), """
                jetconnect {
                  nats { url = "%s", embedded = off }
                  pipelines {
                    mirror {
                      source { type = replay }
                      sinks = [ { type = stdout } ]
                    }
                  }
                }
                """.formatted(url));
        RuntimeProcess.Result noStream = RuntimeProcess.exec(work, Map.of(), "check", "--config", replay.toString());
        assertEquals(1, noStream.exitCode(), noStream.output());
        assertTrue(noStream.output().contains(replay + ":5: Invalid value at 'jetconnect.pipelines.mirror.source"
                + ".stream': names no stream"), noStream.output());
        assertFalse(noStream.output().contains("reference.conf"), noStream.output());
    }

    @Test
    void theInstallationIsNeverWrittenAndAZipThatCannotBeExpandedIsListedAsSkipped() throws Exception {
        Map<String, String> before = tree(RuntimeProcess.home());
        RuntimeProcess.Result plugins = RuntimeProcess.exec(work, Map.of(), "plugins");
        assertEquals(0, plugins.exitCode(), plugins.output());
        for (String id : new String[] {"http", "jetstream", "sign", "dlq", "redact", "replay", "jsonl"}) {
            assertTrue(Pattern.compile("(?m)^  " + id + " ").matcher(plugins.output()).find(), plugins.output());
        }
        assertFalse(plugins.output().contains("skipped"), plugins.output());
        assertEquals(0, RuntimeProcess.exec(work, Map.of(), "check").exitCode());
        int port = NatsServer.freePort();
        Path config = config(work.resolve("conf"), "nats://127.0.0.1:" + NatsServer.freePort(), port, "", "events");
        try (RuntimeProcess runtime = RuntimeProcess.runUnready(work, config, port, Map.of())) {
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        assertEquals(before, tree(RuntimeProcess.home()), "plugins, check or run wrote into the installation");

        // A zip dropped into a plugins-dir where it cannot be expanded (its folder's name is taken by a file:
        // a failure root cannot write past either) is skipped with why; the other plugins load.
        Path dir = work.resolve("plugins");
        RuntimeProcess.copyBuiltInPlugins(dir);
        Files.writeString(dir.resolve("extra"), "not a folder");
        zip(dir.resolve("jetconnect-jsonl"), dir.resolve("extra.zip"));
        Path own = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect { plugins-dir = plugins, pipelines {} }
                """);
        RuntimeProcess.Result skipped = RuntimeProcess.exec(Files.createDirectories(work.resolve("elsewhere")),
                Map.of(), "plugins", "--config", own.toString());
        assertEquals(0, skipped.exitCode(), skipped.output());
        assertTrue(skipped.output().contains("skipped: extra.zip: skipped, cannot expand it into " + dir
                .resolve("extra")), skipped.output());
        assertTrue(skipped.output().contains("set jetconnect.plugins-dir to a folder this user may write"),
                skipped.output());
        assertTrue(Pattern.compile("(?m)^  jetstream ").matcher(skipped.output()).find(), skipped.output());
        assertFalse(skipped.output().contains("\tat "), skipped.output());
    }

    @Test
    void keysComeFromTheEnvironmentAndSystemPropertiesAndRelativePathsFromTheConfigFolder() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawn();
        Path conf = work.resolve("conf");
        int filePort = NatsServer.freePort();
        int envPort = NatsServer.freePort();
        Path config = config(conf, nats.url(), filePort, "", "events");
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));

        RuntimeProcess.Result typo = RuntimeProcess.exec(elsewhere,
                Map.of("JETCONNECT_OPTS", "-Djetconnect.http.prot=1"), "check", "--config", config.toString());
        assertEquals(1, typo.exitCode(), typo.output());
        assertTrue(typo.output().contains("'jetconnect.http.prot'"), typo.output());
        RuntimeProcess.Result bad = RuntimeProcess.exec(elsewhere,
                Map.of("CONFIG_FORCE_jetconnect_http_port", "99999"), "check", "--config", config.toString());
        assertEquals(1, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("Invalid value at 'jetconnect.http.port': must be between 0 and 65535"),
                bad.output());

        String dev;
        try (RuntimeProcess runtime = RuntimeProcess.run(elsewhere, config, envPort,
                Map.of("CONFIG_FORCE_jetconnect_http_port", String.valueOf(envPort),
                        "CONFIG_FORCE_jetconnect_shutdown__timeout", "5s"))) {
            assertEquals(200, runtime.get("/readyz").statusCode());
            assertTrue(Files.exists(conf.resolve("data/.lock")), "data-dir is conf/data, not elsewhere/data");
            assertTrue(Files.exists(conf.resolve("data/keys/dev.key")));
            assertFalse(Files.exists(elsewhere.resolve("data")));
            java.util.regex.Matcher id = Pattern.compile("signing with key (dev-[0-9a-f]{8}) ")
                    .matcher(runtime.output());
            assertTrue(id.find(), runtime.output());
            dev = id.group(1);
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        // -D wins over the environment; the same key file keeps its id from another folder.
        int propertyPort = NatsServer.freePort();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, propertyPort,
                Map.of("CONFIG_FORCE_jetconnect_http_port", String.valueOf(envPort),
                        "JETCONNECT_OPTS", "-Xmx256m -Djetconnect.http.port=" + propertyPort))) {
            assertTrue(runtime.output().contains("signing with key " + dev + " "), runtime.output());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }

    @Test
    void aPortInUseIsAnsweredWithTheKeyToChangeInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path config = config(work.resolve("conf"), "nats://127.0.0.1:" + NatsServer.freePort(),
                    taken.getLocalPort(), "", "events");
            RuntimeProcess.Result refused = RuntimeProcess.exec(work, Map.of(), "run", "--config", config.toString());
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains(config + ":3: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    refused.output());
            assertTrue(refused.output().contains("set jetconnect.http.port to a free port"), refused.output());
            assertFalse(refused.output().contains("\tat "), refused.output());
            assertFalse(refused.output().contains("Exception"), refused.output());
        }
    }

    /** Every path of a tree with its size and modification time. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime());
            }
        }
        return out;
    }

    private static void zip(Path folder, Path zip) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
             Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(folder.relativize(p).toString()));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
