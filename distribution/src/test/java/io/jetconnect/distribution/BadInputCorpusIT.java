package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus ({@code src/test/resources/corpus/}) against the built distribution, one dynamic test per
 * case, named after its directory:
 * <ul>
 *   <li><b>http</b>: every case against one running runtime ({@code ingest} and {@code small}: http -> jetstream
 *       into stream {@code CORPUS}, subject {@code corpus.{tenantId}.v1}, on a real nats-server), sent as raw bytes.
 *       Each asserts the status, the JSON error and its index, what landed in the stream; then that the process is
 *       alive, {@code /healthz} answers 200 and a valid event sent right after lands (read back by id).</li>
 *   <li><b>config</b>: {@code check} on each file (exit code, {@code FILE:LINE: message}); for {@code phase: run}
 *       cases also {@code run}, which either refuses to start or fails that pipeline while the others run.</li>
 *   <li><b>plugins</b>: a plugins directory of the built-in zips plus the case's broken files; {@code plugins} says
 *       what it skipped and still lists the built-ins; some cases run the runtime and prove an event lands.</li>
 * </ul>
 * A case whose {@code expect.txt} carries {@code known-bug} states the correct behaviour and fails while the bug is
 * there, its message starting with {@code KNOWN BUG}; it fails too, asking for the line to go, once the bug is fixed.
 * The last line printed is {@code corpus: N cases, M passed}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BadInputCorpusIT {

    private static final String STREAM = "CORPUS";
    private static final String CONFIG_STREAM = "CFGCASE";
    private static final String PLUGIN_STREAM = "PLUGCASE";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final CorpusSpec.Tally TALLY = new CorpusSpec.Tally();

    @TempDir
    static Path work;

    private static NatsServer nats;
    private static Connection connection;
    private static JetStreamManagement jsm;
    private static JetconnectProcess runtime;
    private static int port;
    private static Path plugins;
    private static Set<String> builtInListing;

    @BeforeAll
    static void startNatsAndTheRuntime() throws Exception {
        nats = NatsServerExtension.create();
        connection = Nats.connect(nats.url());
        jsm = connection.jetStreamManagement();
        Path config = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect {
                  data-dir = data
                  http { host = 127.0.0.1, port = 0, request-timeout = 3s }
                  nats { url = "%s", embedded = off }
                  streams {
                    corpus { name = %s, subjects = ["corpus.>"], max-age = 1h, duplicate-window = 2m }
                  }
                  pipelines {
                    # defaults: 4MiB bodies, 10000 events a batch, nesting depth 64
                    ingest {
                      source { type = http }
                      sinks = [ { type = jetstream, stream = corpus, subject = "corpus.{tenantId}.v1" } ]
                    }
                    # small limits, so that oversized cases stay cheap
                    small {
                      source { type = http, max-request-bytes = 16KiB, max-events-per-request = 10 }
                      sinks = [ { type = jetstream, stream = corpus, subject = "corpus.{tenantId}.v1" } ]
                    }
                  }
                }
                """.formatted(nats.url(), STREAM));
        runtime = JetconnectProcess.start(work, Map.of(), "run", "--config", config.toString());
        port = runtime.awaitListening(Duration.ofSeconds(60));
        assertEquals(200, get(port, "/readyz").statusCode(), runtime.output());
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println(TALLY.summary());
        try {
            if (runtime != null) {
                assertEquals(0, runtime.terminate(), runtime.output());
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            if (connection != null) {
                connection.close();
            }
            if (nats != null) {
                nats.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- http

    @TestFactory
    Stream<DynamicTest> httpCases() {
        return CorpusSpec.caseDirectories(CorpusSpec.corpus("http")).stream().map(HttpCorpusCase::load)
                .map(c -> test("http/" + c.name(), c.expect(), () -> httpCase(c)));
    }

    private void httpCase(HttpCorpusCase c) throws Exception {
        CorpusSpec expect = c.expect();
        long before = messages();
        RawHttp.Response response;
        try {
            response = RawHttp.exchange(port, c.request(port), c.halfClose(), c.timeout());
        } catch (RawHttp.NoAnswer e) {
            throw new AssertionError("no answer within " + c.timeout().toSeconds() + "s (expected "
                    + expect.require("status") + ")");
        }
        String what = "answer: " + response.describe();
        assertEquals(Integer.parseInt(expect.require("status")), response.status(), what);
        assertTrue(response.headers().getOrDefault("content-type", "").startsWith("application/json"), what);
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.path("error").isTextual() && !body.path("error").asText().isBlank(),
                "a clear error: " + what);
        for (String part : expect.all("error-contains")) {
            assertTrue(body.path("error").asText().contains(part), "error should contain '" + part + "'; " + what);
        }
        expect.get("index").ifPresent(index ->
                assertEquals(Integer.parseInt(index), body.path("index").asInt(-1), "index; " + what));
        String lands = expect.get("lands").orElse("none");
        long added = messages() - before;
        assertEquals(lands.equals("none") ? 0 : Long.parseLong(lands), added,
                "messages the request added to the stream; " + what);
        assertTheRuntimeStillTakesEvents(c.name());
    }

    /** Alive, healthy, and a valid event posted now is in the stream, read back by id. */
    private static void assertTheRuntimeStillTakesEvents(String afterCase) throws Exception {
        assertTrue(runtime.isAlive(), "the runtime died:\n" + runtime.output());
        assertEquals(200, get(port, "/healthz").statusCode());
        String id = "probe-after-" + afterCase;
        HttpResponse<String> probe = post(port, "ingest", event(id, "probe"));
        assertEquals(202, probe.statusCode(), "a valid event after the case: " + probe.body());
        MessageInfo last = jsm.getLastMessage(STREAM, "corpus.probe.v1");
        assertEquals(id, StreamReader.eventId(last), "the valid event landed");
    }

    private static long messages() throws Exception {
        return jsm.getStreamInfo(STREAM).getStreamState().getMsgCount();
    }

    // -------------------------------------------------------------------------------------------------- config

    @TestFactory
    Stream<DynamicTest> configCases() {
        return CorpusSpec.caseDirectories(CorpusSpec.corpus("config")).stream()
                .map(dir -> {
                    CorpusSpec expect = CorpusSpec.read(dir.resolve("expect.txt"));
                    String name = dir.getFileName().toString();
                    return test("config/" + name, expect, () -> configCase(dir, name, expect));
                });
    }

    private void configCase(Path source, String name, CorpusSpec expect) throws Exception {
        Path dir = Files.createDirectories(work.resolve("config").resolve(name));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8).replace("@NATS_URL@", nats.url())
                        .replace("@CASE_DIR@", dir.toString());
                Files.writeString(dir.resolve(file.getFileName()), text, StandardCharsets.UTF_8);
            }
        }
        Path config = dir.resolve("pipeline.conf");
        String conf = config.toString();
        boolean run = expect.get("phase").orElse("check").equals("run");
        RuntimeProcess.Result checked = RuntimeProcess.exec(dir, Map.of(), "check", "--config", conf);
        if (!run) {
            assertEquals(Integer.parseInt(expect.get("exit").orElse("1")), checked.exitCode(), checked.output());
            assertProblemLine(checked.output(), conf, expect);
            return;
        }
        expect.get("check-exit").ifPresent(code ->
                assertEquals(Integer.parseInt(code), checked.exitCode(), "check: " + checked.output()));
        try (JetconnectProcess process = JetconnectProcess.start(dir, Map.of(), "run", "--config", conf)) {
            if (expect.get("exit").isPresent()) {
                int code = process.awaitExit(Duration.ofSeconds(60)).orElseThrow(() ->
                        new AssertionError("run should have refused to start:\n" + process.output()));
                assertEquals(Integer.parseInt(expect.require("exit")), code, process.output());
                assertFalse(process.output().contains("listening on"), process.output());
                assertProblemLine(process.output(), conf, expect);
                return;
            }
            int runPort = process.awaitListening(Duration.ofSeconds(60));
            for (String text : expect.all("contains")) {
                process.awaitOutput(text, Duration.ofSeconds(30));
            }
            String pipeline = expect.require("pipeline");
            JsonNode described = JSON.readTree(get(runPort, "/v1/pipelines/" + pipeline).body());
            assertEquals(expect.require("pipeline-state"), described.path("state").asText(), described.toString());
            assertTrue(described.path("lastError").asText().contains(expect.all("contains").get(0)),
                    described.toString());
            assertEquals(503, get(runPort, "/readyz").statusCode(), "not ready while a pipeline failed");
            String probe = expect.require("probe-pipeline");
            String id = "cfg-probe-" + name;
            HttpResponse<String> accepted = post(runPort, probe, event(id, "probe"));
            assertEquals(202, accepted.statusCode(), "the other pipeline runs: " + accepted.body());
            assertEquals(id, StreamReader.eventId(jsm.getLastMessage(CONFIG_STREAM, "cfg.probe.v1")));
            assertEquals(0, process.terminate(), process.output());
        }
    }

    /** A line of the output names the file (and the line) and says what the case expects; the rest is anywhere. */
    private static void assertProblemLine(String output, String file, CorpusSpec expect) {
        List<String> contains = expect.all("contains");
        String prefix = file + expect.get("line").map(l -> ":" + l + ":").orElse(":");
        String first = contains.isEmpty() ? "" : contains.get(0);
        assertTrue(output.lines().anyMatch(l -> l.contains(prefix) && l.contains(first)),
                "expected a line with '" + prefix + "' and '" + first + "' in:\n" + output);
        for (String part : contains) {
            assertTrue(output.contains(part), "'" + part + "' not in:\n" + output);
        }
    }

    // ------------------------------------------------------------------------------------------------- plugins

    @TestFactory
    Stream<DynamicTest> pluginCases() {
        return CorpusSpec.caseDirectories(CorpusSpec.corpus("plugins")).stream().map(PluginCorpusCase::load)
                .map(c -> test("plugins/" + c.name(), c.expect(), () -> pluginCase(c)));
    }

    private void pluginCase(PluginCorpusCase c) throws Exception {
        Path dir = Files.createDirectories(work.resolve("plugin-cases").resolve(c.name()));
        Path config = pluginConfig(dir, c.expect().get("run-extra-sink").orElse(null));
        Path shared = sharedPlugins(dir, config);
        c.buildInto(shared);
        try {
            RuntimeProcess.Result listed = RuntimeProcess.exec(dir, Map.of(), "plugins", "--config",
                    config.toString());
            CorpusSpec expect = c.expect();
            assertEquals(Integer.parseInt(expect.get("exit").orElse("0")), listed.exitCode(), listed.output());
            List<String> lines = listed.output().lines().toList();
            for (String part : expect.all("skipped-contains")) {
                assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("skipped:") && l.contains(part)),
                        "a 'skipped:' line with '" + part + "' in:\n" + listed.output());
            }
            for (String listing : expect.all("lists")) {
                String[] p = listing.split(" ", 2);
                assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith(p[0] + " ") && l.contains(p[1])),
                        "plugin " + p[0] + " should provide " + p[1] + " in:\n" + listed.output());
            }
            for (String absent : expect.all("not-lists")) {
                assertTrue(lines.stream().filter(l -> !l.trim().startsWith("skipped:"))
                        .noneMatch(l -> l.contains(absent)), "'" + absent + "' listed in:\n" + listed.output());
            }
            if (Boolean.parseBoolean(expect.get("run").orElse("false"))) {
                runWithPlugins(c, dir, config);
            }
        } finally {
            PluginCorpusCase.removeAddedSince(shared, builtInListing);
        }
    }

    private static void runWithPlugins(PluginCorpusCase c, Path dir, Path config) throws Exception {
        CorpusSpec expect = c.expect();
        try (JetconnectProcess process = JetconnectProcess.start(dir, Map.of(), "run", "--config",
                config.toString())) {
            int runPort = process.awaitListening(Duration.ofSeconds(60));
            assertTrue(process.output().contains("plugin problem") || expect.all("skipped-contains").isEmpty(),
                    "the runtime logs what it skipped:\n" + process.output());
            for (String text : expect.all("run-contains")) {
                process.awaitOutput(text, Duration.ofSeconds(30));
            }
            expect.get("run-extra-state").ifPresent(state -> {
                try {
                    JsonNode extra = JSON.readTree(get(runPort, "/v1/pipelines/extra").body());
                    assertEquals(state, extra.path("state").asText(), extra.toString());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            String id = "plugin-probe-" + c.name();
            HttpResponse<String> accepted = post(runPort, "ingest", event(id, "probe"));
            assertEquals(202, accepted.statusCode(), accepted.body() + "\n" + process.output());
            MessageInfo last = jsm.getLastMessage(PLUGIN_STREAM, "plug.probe.v1");
            assertEquals(id, StreamReader.eventId(last), "the event reached the stream");
            assertEquals(0, process.terminate(), process.output());
        }
    }

    /** The shared plugins directory, built and listed once: its built-ins load with no problem at all. */
    private static synchronized Path sharedPlugins(Path workDir, Path config) {
        if (plugins == null) {
            plugins = PluginCorpusCase.builtInPlugins(work.resolve("plugins"));
            RuntimeProcess.Result clean = RuntimeProcess.exec(workDir, Map.of(), "plugins", "--config",
                    config.toString());
            assertEquals(0, clean.exitCode(), clean.output());
            assertFalse(clean.output().contains("skipped"), "the built-ins alone load cleanly:\n" + clean.output());
            builtInListing = PluginCorpusCase.listing(plugins);
        }
        return plugins;
    }

    private static Path pluginConfig(Path dir, String extraSink) throws IOException {
        String extra = extraSink == null ? "" : """
                    extra {
                      source { type = http }
                      sinks = [ %s ]
                    }
                """.formatted(extraSink);
        return Files.writeString(dir.resolve("pipeline.conf"), """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = data
                  http { host = 127.0.0.1, port = 0 }
                  nats { url = "%s", embedded = off }
                  streams {
                    plug { name = %s, subjects = ["plug.>"], max-age = 1h }
                  }
                  pipelines {
                    ingest {
                      source { type = http }
                      sinks = [ { type = jetstream, stream = plug, subject = "plug.{tenantId}.v1" } ]
                    }
                %s  }
                }
                """.formatted(work.resolve("plugins"), nats.url(), PLUGIN_STREAM, extra));
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /**
     * A dynamic test that tallies its outcome. A case marked {@code known-bug} must fail (its message says so);
     * once it passes, it fails asking for the marker to go.
     */
    private static DynamicTest test(String name, CorpusSpec expect, Executable body) {
        return DynamicTest.dynamicTest(name, () -> {
            String bug = expect.knownBug().orElse(null);
            try {
                body.execute();
            } catch (Throwable t) {
                TALLY.record(name, false);
                if (bug != null) {
                    throw new AssertionError("KNOWN BUG (" + bug + "): " + t.getMessage(), t);
                }
                throw t;
            }
            TALLY.record(name, bug == null);
            if (bug != null) {
                fail("marked known-bug but passes: remove the known-bug line from " + name + "/expect.txt");
            }
        });
    }

    private static String event(String id, String tenant) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/corpus\",\"type\":\"corpus.probe\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"" + tenant + "\"}}";
    }

    private static HttpResponse<String> get(int port, String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET()
                .timeout(Duration.ofSeconds(30)).build());
    }

    private static HttpResponse<String> post(int port, String pipeline, String body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/pipelines/" + pipeline
                        + "/events")).header("Content-Type", "application/cloudevents+json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
