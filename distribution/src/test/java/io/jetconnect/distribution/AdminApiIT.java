package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.CollectingSink;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API, hot reload and the logs of the built {@code bin/jetconnect run}, as a real process over real HTTP
 * against a real nats-server, for what only a real process shows: the spill log's route, figures and drain action
 * across a broker kill (the dlq's status through the SPI), pause/resume/restart with events in flight (none lost,
 * none doubled), cursor reset of a real {@code replay} pipeline (its status through the SPI), reload (changed,
 * unchanged, removed, new; a broken file; SIGHUP; a plugin jar dropped in), the bearer token read from its file on
 * a non-loopback listener, and JSON and human-readable logs. Every route's answers and errors are tested against
 * fake pipelines in the runtime's {@code AdminApiTest}.
 */
@ExtendWith(NatsServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final String STRUCTURED = "application/cloudevents+json";

    @TempDir
    Path work;

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /** A pipeline.conf: the runtime's block around the given streams and pipelines. */
    private static String config(String natsUrl, int port, String host, String extra, String streams,
                                 String pipelines) {
        return config(natsUrl, port, host, extra, streams, pipelines, "");
    }

    /**
     * A pipeline.conf.
     *
     * @param httpExtra more keys of {@code jetconnect.http}, starting with a comma
     * @param top more keys of {@code jetconnect}
     */
    private static String config(String natsUrl, int port, String host, String httpExtra, String streams,
                                 String pipelines, String top) {
        return """
                jetconnect {
                  %s
                  data-dir = data
                  shutdown-timeout = 20s
                  http { host = "%s", port = %d %s }
                  nats { url = "%s", embedded = off }
                  streams {
                %s
                  }
                  pipelines {
                %s
                  }
                }
                """.formatted(top, host, port, httpExtra, natsUrl, streams, pipelines);
    }

    private static String stream(String key, String name, String subjects) {
        return "    %s { name = %s, subjects = [\"%s\"], max-age = 1h, duplicate-window = 2m }\n"
                .formatted(key, name, subjects);
    }

    /** An http pipeline whose chain ends with a jetstream sink writing {@code prefix.{tenantId}.v1}. */
    private static String httpPipeline(String name, String decorators, String stream, String prefix) {
        return """
                    %s {
                      source { type = http }
                      sinks = [ %s { type = jetstream, stream = %s, subject = "%s.{tenantId}.v1" } ]
                    }
                """.formatted(name, decorators, stream, prefix);
    }

    private static String event(String id, String tenant) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/admin-it\",\"type\":\"admin.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"" + tenant
                + "\",\"password\":\"hunter2\"}}";
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Asserts a status and a JSON {@code {"error": "..."}} body. */
    private static void assertError(int status, HttpResponse<String> response) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode body = json(response);
        assertTrue(body.path("error").isTextual() && !body.get("error").asText().isBlank(), response.body());
    }

    private static JsonNode pipeline(RuntimeProcess runtime, String name) throws IOException {
        HttpResponse<String> response = runtime.get("/v1/pipelines/" + name);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static long sourceEvents(RuntimeProcess runtime, String name) throws IOException {
        return pipeline(runtime, name).path("counters").path("sourceEvents").asLong(-1);
    }

    private static List<String> chain(JsonNode pipeline) {
        List<String> chain = new ArrayList<>();
        pipeline.path("chain").forEach(e -> chain.add(e.asText()));
        return chain;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static Set<String> shippedPluginZips() throws IOException {
        return RuntimeProcess.builtInPluginFolders().stream().map(p -> p.getFileName() + ".zip")
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void requirePlugins(String... plugins) throws IOException {
        Set<String> zips = shippedPluginZips();
        for (String plugin : plugins) {
            assertTrue(zips.stream().anyMatch(z -> z.matches("(jetconnect-)?" + plugin + "(-[0-9].*)?\\.zip")),
                    "this test needs the " + plugin + " plugin, which the distribution does not ship (plugins/: "
                            + zips + "): add its zip to distribution/pom.xml");
        }
    }

    /** @return the event id of every message of the stream, in stream order */
    private static List<String> streamIds(String natsUrl, String stream) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Message m : StreamReader.readAll(natsUrl, stream)) {
            ids.add(StreamReader.eventId(m));
        }
        return ids;
    }

    /**
     * A client that posts batches of events to one pipeline, each batch again until it is accepted: a 503 (the
     * pipeline paused, restarting or reloading) or a broken connection is retried after a short client backoff.
     * Every event of a batch answered 202 is in {@link #accepted}, in order.
     */
    private static final class Producer implements Runnable {

        final List<String> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger unavailable = new AtomicInteger();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        /** What the test is doing to the pipeline, for the report of an unexpected answer. */
        final AtomicReference<String> phase;
        private final RuntimeProcess runtime;
        private final String pipeline;
        private final String tenant;
        private final int batches;
        private final int size;
        private volatile boolean stop;

        Producer(RuntimeProcess runtime, String pipeline, String tenant, int batches, int size,
                 AtomicReference<String> phase) {
            this.phase = phase;
            this.runtime = runtime;
            this.pipeline = pipeline;
            this.tenant = tenant;
            this.batches = batches;
            this.size = size;
        }

        void stop() {
            stop = true;
        }

        @Override
        public void run() {
            for (int b = 0; b < batches && !stop; b++) {
                List<String> ids = new ArrayList<>();
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < size; i++) {
                    String id = tenant + "-" + b + "-" + i;
                    ids.add(id);
                    body.append(i == 0 ? "" : ",").append(event(id, tenant));
                }
                String batch = body.append("]").toString();
                while (true) {
                    int status;
                    String answer;
                    try {
                        HttpResponse<String> response = runtime.post("/v1/pipelines/" + pipeline + "/events", BATCH,
                                batch);
                        status = response.statusCode();
                        answer = response.body();
                    } catch (IOException e) {
                        status = -1;
                        answer = e.toString();
                    }
                    if (status == 202) {
                        accepted.addAll(ids);
                        break;
                    }
                    if (status == 503 || status == -1) {
                        unavailable.incrementAndGet();
                        if (stop) {
                            return;
                        }
                        // The client's backoff before it tries the same batch again (not a test's wait).
                        CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)).join();
                        continue;
                    }
                    unexpected.add(status + " " + answer + " (while " + phase.get() + ")");
                    return;
                }
            }
        }
    }

    private static int total(List<Producer> producers) {
        return producers.stream().mapToInt(p -> p.accepted.size()).sum();
    }

    /** Waits until the producers have {@code n} events accepted; fails at once on an answer but 202 or 503. */
    private static void awaitAccepted(List<Producer> producers, int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (Producer p : producers) {
                assertEquals(List.of(), p.unexpected, "answers other than 202 and 503");
            }
            return total(producers) >= n;
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // dlq

    @Test
    void theDlqRouteShowsASpillAndDrainTriggersADrainNow() throws Exception {
        assertTrue(NatsServer.onPath(), "this test kills and restarts its own nats-server: put nats-server on PATH");
        String stream = "ADMIN_DLQ";
        try (NatsServer own = NatsServer.spawn()) {
            int port = NatsServer.freePort();
            // A drain backoff far longer than the test: only the drain action can make it drain in time.
            Path config = Files.writeString(work.resolve("pipeline.conf"), config(own.url(), port, "127.0.0.1", "",
                    stream("events", stream, "dlq.>"),
                    httpPipeline("ingest", "{ type = dlq, drain { backoff.initial = 10m, backoff.max = 10m } },",
                            "events", "dlq").replace("{ type = jetstream,", "{ type = jetstream, ack-timeout = 1s, "
                            + "retry { attempts = 2, waits = [50ms] }, backoff { initial = 100ms, max = 200ms },")));
            try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
                assertEquals(202, runtime.post("/v1/pipelines/ingest/events", STRUCTURED, event("q-0", "acme"))
                        .statusCode());
                own.kill();
                for (int i = 1; i <= 5; i++) {
                    HttpResponse<String> spilled = runtime.post("/v1/pipelines/ingest/events", STRUCTURED,
                            event("q-" + i, "acme"));
                    assertEquals(202, spilled.statusCode(), spilled.body());
                }
                JsonNode dlq = json(runtime.get("/v1/pipelines/ingest/dlq"));
                assertEquals(5, dlq.path("depth").asLong(), dlq.toString());
                assertEquals(5, dlq.path("spilled").asLong(), dlq.toString());
                assertTrue(dlq.path("bytes").asLong() > 0, dlq.toString());
                assertTrue(dlq.path("present").asBoolean(), dlq.toString());
                assertEquals("spilling", dlq.path("mode").asText(), dlq.toString());
                JsonNode spilling = pipeline(runtime, "ingest");
                assertEquals(5, spilling.path("rates").path("spillDepth").asLong(), spilling.toString());
                assertEquals(6, spilling.path("counters").path("sourceEvents").asLong(), spilling.toString());
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        json(runtime.get("/v1/pipelines/ingest/dlq")).path("oldestAgeSeconds").asLong() >= 1);

                own.restart();
                // Each POST asks for an attempt now; the first may meet the sink still reconnecting.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertEquals(202, runtime.request("POST", "/v1/pipelines/ingest/dlq/drain", null).statusCode());
                    assertEquals(0, json(runtime.get("/v1/pipelines/ingest/dlq")).path("depth").asLong());
                });
                JsonNode drained = json(runtime.get("/v1/pipelines/ingest/dlq"));
                assertEquals(5, drained.path("drained").asLong(), drained.toString());
                assertEquals(0, drained.path("oldestAgeSeconds").asLong(), drained.toString());
                JsonNode after = pipeline(runtime, "ingest");
                assertEquals(0, after.path("rates").path("spillDepth").asLong(), after.toString());
                assertTrue(after.path("counters").path("sinkPublished").asLong() >= 6, after.toString());
                assertEquals(List.of("q-0", "q-1", "q-2", "q-3", "q-4", "q-5"), streamIds(own.url(), stream),
                        "every spilled event once, in order, after the drain");
                assertEquals(0, runtime.terminate(), runtime.output());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // pause, resume, restart under load

    private static final int BATCHES = 60;

    @Test
    void pauseResumeAndRestartWithEventsInFlightLoseNothing(NatsServer nats) throws Exception {
        int port = NatsServer.freePort();
        String stream = "ADMIN_LIFECYCLE";
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), port, "127.0.0.1", "",
                stream("events", stream, "life.>"),
                httpPipeline("ingest", "{ type = redact }, { type = sign, key-file = data/keys/dev.key, "
                        + "generate-if-missing = true }, { type = dlq },", "events", "life")));
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            List<Producer> producers = new ArrayList<>();
            List<Future<?>> running = new ArrayList<>();
            AtomicReference<String> phase = new AtomicReference<>("running");
            for (int t = 0; t < 4; t++) {
                Producer producer = new Producer(runtime, "ingest", "tenant" + t, BATCHES, 20, phase);
                producers.add(producer);
                running.add(clients.submit(producer));
            }
            awaitAccepted(producers, 300);

            phase.set("pausing");
            HttpResponse<String> paused = runtime.request("POST", "/v1/pipelines/ingest/pause", null);
            phase.set("paused");
            assertEquals(200, paused.statusCode(), paused.body());
            assertEquals("paused", json(paused).path("state").asText(), paused.body());
            assertEquals("paused", pipeline(runtime, "ingest").path("state").asText());
            HttpResponse<String> refused = runtime.post("/v1/pipelines/ingest/events", STRUCTURED,
                    event("while-paused", "acme"));
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
            int refusedBefore = producers.stream().mapToInt(p -> p.unavailable.get()).sum();
            await().atMost(Duration.ofSeconds(30)).until(() -> producers.stream().mapToInt(p -> p.unavailable.get())
                    .sum() > refusedBefore + 4);
            assertEquals(409, runtime.request("POST", "/v1/pipelines/ingest/pause", null).statusCode());

            phase.set("resuming");
            HttpResponse<String> resumed = runtime.request("POST", "/v1/pipelines/ingest/resume", null);
            phase.set("running after resume");
            assertEquals(200, resumed.statusCode(), resumed.body());
            assertEquals("running", json(resumed).path("state").asText(), resumed.body());
            awaitAccepted(producers, total(producers) + 300);

            int atRestart = total(producers);
            assertTrue(atRestart < 4 * BATCHES * 20 - 300, "the clients were still posting at the restart");
            phase.set("restarting");
            HttpResponse<String> restarted = runtime.request("POST", "/v1/pipelines/ingest/restart", null);
            phase.set("running after restart");
            assertEquals(200, restarted.statusCode(), restarted.body());
            assertEquals("running", json(restarted).path("state").asText(), restarted.body());
            awaitAccepted(producers, atRestart + 300);

            for (Future<?> f : running) {
                f.get(90, TimeUnit.SECONDS);
            }
            for (Producer p : producers) {
                assertEquals(List.of(), p.unexpected, "answers other than 202 and 503");
                assertEquals(BATCHES * 20, p.accepted.size());
            }

            List<String> ids = streamIds(nats.url(), stream);
            Map<String, Integer> counts = new HashMap<>();
            ids.forEach(id -> counts.merge(id, 1, Integer::sum));
            List<String> doubled = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .sorted().toList();
            assertEquals(List.of(), doubled, "events stored twice");
            assertFalse(ids.contains("while-paused"), "a request answered 503 lands nothing");
            for (Producer p : producers) {
                List<String> mine = ids.stream().filter(id -> id.startsWith(p.tenant + "-")).toList();
                assertEquals(p.accepted, mine, "every accepted event of " + p.tenant
                        + " in the stream once, in the order it was accepted");
            }
            assertEquals(4 * BATCHES * 20, ids.size());
            assertEquals(0, runtime.terminate(), runtime.output());
        } finally {
            clients.shutdownNow();
        }
    }

    /** Publishes events c-from to c-to as the CloudEvents NATS binding writes them (structured mode). */
    private static void publish(String natsUrl, int from, int to) throws Exception {
        try (Connection nc = Nats.connect(natsUrl)) {
            Headers headers = new Headers().put("content-type", STRUCTURED);
            for (int i = from; i <= to; i++) {
                nc.jetStream().publish("cursor.acme.v1", headers,
                        event("c-" + i, "acme").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static long cursor(RuntimeProcess runtime, String key) throws IOException {
        HttpResponse<String> response = runtime.get("/v1/pipelines/mirror/cursor");
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("cursors").path(key).asLong(-1);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private static List<String> idsOf(List<String> lines) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).path("id").asText());
        }
        return ids;
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add("c-" + i);
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------------------------
    // reload

    @Test
    void reloadRestartsTheChangedKeepsTheUnchangedStopsTheRemovedAndStartsTheNewAndLoadsANewPluginJar(NatsServer nats)
            throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        RuntimeProcess.copyBuiltInPlugins(plugins);
        String top = "plugins-dir = \"" + plugins + "\"";
        int port = NatsServer.freePort();
        String stream = "ADMIN_RELOAD";
        String streams = stream("events", stream, "reload.>");
        String keep = httpPipeline("keep", "", "events", "reload.keep");
        String before = httpPipeline("change", "", "events", "reload.change");
        String after = httpPipeline("change", "{ type = redact },", "events", "reload.change");
        String gone = httpPipeline("gone", "", "events", "reload.gone");
        String fresh = httpPipeline("fresh", "", "events", "reload.fresh");
        Path config = work.resolve("pipeline.conf");
        Files.writeString(config, config(nats.url(), port, "127.0.0.1", "", streams, keep + before + gone, top));
        ExecutorService clients = Executors.newSingleThreadExecutor();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(202, runtime.post("/v1/pipelines/keep/events", STRUCTURED, event("k-" + i, "acme"))
                        .statusCode());
            }
            assertEquals(3, sourceEvents(runtime, "keep"));
            AtomicReference<String> phase = new AtomicReference<>("before the reload");
            Producer producer = new Producer(runtime, "change", "chg", 1000, 10, phase);
            Future<?> producing = clients.submit(producer);
            awaitAccepted(List.of(producer), 100);

            Files.writeString(config, config(nats.url(), port, "127.0.0.1", "", streams, keep + after + fresh, top));
            phase.set("reloading");
            HttpResponse<String> reload = runtime.request("POST", "/v1/reload", null);
            phase.set("after the reload");
            assertEquals(200, reload.statusCode(), reload.body());
            JsonNode result = json(reload);
            assertEquals(List.of("fresh"), texts(result.path("started")), reload.body());
            assertEquals(List.of("change"), texts(result.path("restarted")), reload.body());
            assertEquals(List.of("gone"), texts(result.path("stopped")), reload.body());
            assertEquals(List.of("keep"), texts(result.path("unchanged")), reload.body());

            // keep was not touched: its counters go on from where they were (a restart starts them from 0).
            JsonNode kept = pipeline(runtime, "keep");
            assertEquals("running", kept.path("state").asText());
            assertEquals(3, kept.path("counters").path("sourceEvents").asLong(), kept.toString());
            assertEquals(202, runtime.post("/v1/pipelines/keep/events", STRUCTURED, event("k-3", "acme"))
                    .statusCode());
            assertEquals(4, sourceEvents(runtime, "keep"));

            assertEquals(List.of("redact", "jetstream"), chain(pipeline(runtime, "change")));
            assertEquals("running", pipeline(runtime, "change").path("state").asText());
            assertError(404, runtime.get("/v1/pipelines/gone"));
            assertEquals(404, runtime.post("/v1/pipelines/gone/events", STRUCTURED, event("g-1", "acme"))
                    .statusCode());
            assertEquals(202, runtime.post("/v1/pipelines/fresh/events", STRUCTURED, event("f-1", "acme"))
                    .statusCode());

            awaitAccepted(List.of(producer), producer.accepted.size() + 100);
            producer.stop();
            producing.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), producer.unexpected, "answers other than 202 and 503 while reloading");

            List<Message> stored = StreamReader.readAll(nats.url(), stream);
            List<String> changeIds = new ArrayList<>();
            String lastChangeBody = null;
            for (Message m : stored) {
                if (m.getSubject().startsWith("reload.change.chg.")) {
                    changeIds.add(StreamReader.eventId(m));
                    lastChangeBody = new String(m.getData(), StandardCharsets.UTF_8);
                }
            }
            assertTrue(changeIds.size() >= producer.accepted.size(), "accepted events missing from the stream");
            assertEquals(producer.accepted, changeIds.subList(0, producer.accepted.size()),
                    "every event accepted by the changed pipeline, once, in order, across its restart");
            assertEquals(changeIds.size(), new TreeSet<>(changeIds).size(), "no event stored twice");
            assertNotNull(lastChangeBody);
            assertTrue(lastChangeBody.contains("[REDACTED]") && !lastChangeBody.contains("hunter2"),
                    "the restarted pipeline runs the new chain: " + lastChangeBody);

            // A broken file is rejected with FILE:LINE problems; the running pipelines stay as they are.
            String broken = config(nats.url(), port, "127.0.0.1", "", streams, keep + after
                    + fresh.replace("subject =", "subjct ="), top);
            Files.writeString(config, broken);
            int line = PipelineConf.lineOf(broken, "subjct");
            HttpResponse<String> rejected = runtime.request("POST", "/v1/reload", null);
            assertError(400, rejected);
            List<String> problems = texts(json(rejected).path("problems"));
            assertFalse(problems.isEmpty(), rejected.body());
            for (String problem : problems) {
                assertTrue(problem.matches(Pattern.quote(config.toString()) + ":\\d+: .+"), problem);
            }
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(config + ":" + line + ": ")
                    && p.contains("subjct")), problems.toString());
            Set<String> names = new TreeSet<>();
            json(runtime.get("/v1/pipelines")).path("pipelines").forEach(p -> {
                names.add(p.path("name").asText());
                assertEquals("running", p.path("state").asText(), p.toString());
            });
            assertEquals(Set.of("keep", "change", "fresh"), names);
            assertEquals(202, runtime.post("/v1/pipelines/keep/events", STRUCTURED, event("k-4", "acme"))
                    .statusCode());
            assertEquals(5, sourceEvents(runtime, "keep"));

            // SIGHUP reloads too.
            String hup = httpPipeline("hup", "", "events", "reload.hup");
            Files.writeString(config, config(nats.url(), port, "127.0.0.1", "", streams, keep + after + fresh + hup,
                    top));
            runtime.hangUp();
            runtime.awaitOutput("reload: started [hup]", Duration.ofSeconds(30));
            assertEquals("running", pipeline(runtime, "hup").path("state").asText());
            assertEquals(202, runtime.post("/v1/pipelines/hup/events", STRUCTURED, event("h-1", "acme"))
                    .statusCode());
            assertEquals(5, sourceEvents(runtime, "keep"), "SIGHUP left keep untouched too");

            // A plugin jar dropped into the plugins dir is loaded by the next reload, and a pipeline can use it.
            assertFalse(runtime.get("/v1/plugins").body().contains("admin-it-plugin"));
            PluginJars.builder(plugins.resolve("admin-it-plugin.jar"), "admin-it-plugin", "1.2.3")
                    .extension(CollectingSink.class)
                    .resource("reference.conf", "collect { label = default-label }")
                    .build();
            String collected = """
                        collected {
                          source { type = http }
                          sinks = [ { type = collect, label = reloaded } ]
                        }
                    """;
            Files.writeString(config, config(nats.url(), port, "127.0.0.1", "", streams,
                    keep + after + fresh + hup + collected, top));
            HttpResponse<String> withPlugin = runtime.request("POST", "/v1/reload", null);
            assertEquals(200, withPlugin.statusCode(), withPlugin.body());
            assertEquals(List.of("collected"), texts(json(withPlugin).path("started")), withPlugin.body());
            assertEquals(Set.of("keep", "change", "fresh", "hup"),
                    Set.copyOf(texts(json(withPlugin).path("unchanged"))), withPlugin.body());
            JsonNode listed = json(runtime.get("/v1/plugins"));
            assertEquals(0, listed.path("problems").size(), listed.toString());
            Map<String, JsonNode> pluginsById = new HashMap<>();
            listed.path("plugins").forEach(p -> pluginsById.put(p.path("id").asText(), p));
            for (JsonNode plugin : pluginsById.values()) {
                assertFalse(plugin.path("version").asText("").isBlank(), plugin.toString());
                assertTrue(plugin.path("types").isArray() && !plugin.path("types").isEmpty(), plugin.toString());
            }
            assertTrue(pluginsById.keySet().containsAll(Set.of("http", "jetstream", "redact", "sign", "dlq",
                    "admin-it-plugin")), pluginsById.keySet().toString());
            assertEquals("1.2.3", pluginsById.get("admin-it-plugin").path("version").asText());
            assertEquals("[{\"name\":\"collect\",\"kind\":\"sink\"}]",
                    pluginsById.get("admin-it-plugin").path("types").toString());
            assertTrue(pluginsById.get("dlq").path("types").toString()
                    .contains("{\"name\":\"dlq\",\"kind\":\"decorator\"}"), pluginsById.toString());
            JsonNode collecting = pipeline(runtime, "collected");
            assertEquals("running", collecting.path("state").asText(), collecting.toString());
            assertEquals(List.of("collect"), chain(collecting));
            assertEquals(202, runtime.post("/v1/pipelines/collected/events", STRUCTURED, event("p-1", "acme"))
                    .statusCode());
            assertEquals(1, sourceEvents(runtime, "collected"));
            assertEquals(1, pipeline(runtime, "collected").path("counters").path("sinkPublished").asLong(),
                    "counted by the runtime: the test plugin has no meters");
            assertEquals(0, runtime.terminate(), runtime.output());
        } finally {
            clients.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // token

    @Test
    void mutatingCallsNeedTheBearerTokenAndGetsDoNot(NatsServer nats) throws Exception {
        Path token = Files.writeString(work.resolve("admin.token"), "s3cret-admin-token\n");
        int port = NatsServer.freePort();
        String extra = ", admin-token-file = \"" + token + "\"";
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), port, "0.0.0.0", extra,
                stream("events", "ADMIN_TOKEN", "token.>"), httpPipeline("ingest", "{ type = dlq },", "events",
                        "token")));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            for (String path : List.of("/v1/pipelines", "/v1/pipelines/ingest", "/v1/plugins",
                    "/v1/pipelines/ingest/dlq", "/v1/pipelines/ingest/cursor", "/metrics", "/readyz")) {
                assertEquals(200, runtime.get(path).statusCode(), path);
            }
            assertEquals(202, runtime.post("/v1/pipelines/ingest/events", STRUCTURED, event("t-1", "acme"))
                    .statusCode(), "ingest is not an admin call");

            // The token as read from its file (trailing newline and all); every route's 401/403/2xx is AdminApiTest's.
            String right = "Bearer s3cret-admin-token";
            HttpResponse<String> none = runtime.request("POST", "/v1/pipelines/ingest/pause", null);
            assertError(401, none);
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertError(403, runtime.request("POST", "/v1/pipelines/ingest/pause", null, "Authorization",
                    "Bearer wrong-token"));
            assertEquals("running", pipeline(runtime, "ingest").path("state").asText(), "refused calls did nothing");
            assertEquals(200, runtime.request("POST", "/v1/pipelines/ingest/pause", null, "Authorization", right)
                    .statusCode());
            assertEquals(200, runtime.request("PUT", "/v1/pipelines/ingest/cursor",
                    "{\"key\": \"admin-it\", \"position\": 7}", "Authorization", right).statusCode());
            assertEquals(200, runtime.request("POST", "/v1/pipelines/ingest/resume", null, "Authorization", right)
                    .statusCode());
            assertEquals(202, runtime.request("POST", "/v1/pipelines/ingest/dlq/drain", null, "Authorization", right)
                    .statusCode(), "the real dlq's action");
            assertError(401, runtime.request("POST", "/v1/reload", null));
            assertEquals("running", pipeline(runtime, "ingest").path("state").asText());
            assertTrue(runtime.get("/v1/pipelines/ingest/cursor").body().contains("\"admin-it\":7"));
            assertEquals(0, runtime.terminate(), runtime.output());
        }

        // Not on loopback and no token file: the runtime refuses to start.
        Path open = Files.writeString(work.resolve("open.conf"), config(nats.url(), NatsServer.freePort(),
                "0.0.0.0", "", stream("events", "ADMIN_TOKEN", "token.>"),
                httpPipeline("ingest", "", "events", "token")));
        RuntimeProcess.Result refused = RuntimeProcess.exec(work, Map.of(), "run", "--config", open.toString());
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("admin-token-file"), refused.output());
        assertFalse(refused.output().contains("listening on"), refused.output());
    }

    // ---------------------------------------------------------------------------------------------------------
    // logs

    private static final Pattern ABOUT_A_PIPELINE = Pattern.compile("(?i)\\bpipeline\\s+'?([A-Za-z0-9_-]+)'?");

    /** The config of the log tests: the shipped chain, and a replay pipeline into a jsonl file. */
    /**
     * @param stream the stream's name: each test its own, as the mirror replays the whole stream
     * @param prefix its subjects' first token
     */
    private Path logConfig(String natsUrl, int port, String stream, String prefix) throws IOException {
        return Files.writeString(work.resolve("pipeline.conf"), config(natsUrl, port, "127.0.0.1", "",
                stream("events", stream, prefix + ".>"),
                httpPipeline("ingest", "{ type = redact }, { type = sign, key-file = data/keys/dev.key, "
                        + "generate-if-missing = true }, { type = dlq },", "events", prefix)
                        + """
                            mirror {
                              source { type = replay, stream = events, then = live-tail }
                              sinks = [ { type = jsonl, path = "%s" } ]
                            }
                        """.formatted(work.resolve("mirror.jsonl"))));
    }

    /** Drives what logs about pipelines: an event, a pause and a resume, a reload, and the stop. */
    private static String exercise(RuntimeProcess runtime) throws Exception {
        assertEquals(202, runtime.post("/v1/pipelines/ingest/events", STRUCTURED, event("l-1", "acme"))
                .statusCode());
        assertEquals(200, runtime.request("POST", "/v1/pipelines/ingest/pause", null).statusCode());
        assertEquals(200, runtime.request("POST", "/v1/pipelines/ingest/resume", null).statusCode());
        assertEquals(200, runtime.request("POST", "/v1/pipelines/mirror/restart", null).statusCode());
        assertEquals(0, runtime.terminate(), runtime.output());
        return runtime.output();
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithThePipelineInTheMdc(NatsServer nats) throws Exception {
        requirePlugins("replay", "jsonl");
        int port = NatsServer.freePort();
        String output;
        try (RuntimeProcess runtime = RuntimeProcess.run(work, logConfig(nats.url(), port, "ADMIN_LOGS", "logs"),
                port, Map.of("JETCONNECT_LOG_FORMAT", "json"))) {
            output = exercise(runtime);
        }
        List<String> problems = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int aboutPipelines = 0;
        int unformatted = 0;
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                problems.add("not JSON: " + line);
                continue;
            }
            if (node == null || !node.isObject() || !node.has("level")) {
                problems.add("not a log object: " + line);
                continue;
            }
            // The message as a reader sees it: logback's formattedMessage when it is written, else message.
            String text = node.path("formattedMessage").asText(node.path("message").asText(""));
            String mdc = node.path("mdc").path("pipeline").asText(null);
            texts.add((mdc == null ? "-" : mdc) + " " + text);
            if (text.contains("{}") && unformatted++ == 0) {
                problems.add("messages with their {} placeholders unfilled (logback's JsonEncoder writes the "
                        + "pattern as message; withFormattedMessage must be on), e.g. " + line);
            }
            Matcher about = ABOUT_A_PIPELINE.matcher(text);
            if (about.find() && Set.of("ingest", "mirror").contains(about.group(1))) {
                aboutPipelines++;
                if (!about.group(1).equals(mdc)) {
                    problems.add("a line about pipeline " + about.group(1) + " with mdc.pipeline " + mdc + ": "
                            + line);
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertTrue(aboutPipelines >= 6, "lines naming a pipeline:\n" + String.join("\n", texts));
        assertStartupSummary(texts, port, "logs");
    }

    /**
     * One process for two things: a cursor set on a paused {@code replay} pipeline (the key it reports through
     * its status) replays from there, then the logs of {@link #exercise} in the human-readable format.
     */
    @Test
    void aCursorSetWhilePausedReplaysFromThereAndHumanReadableLogsNameThePipeline(NatsServer nats)
            throws Exception {
        requirePlugins("replay", "jsonl");
        int port = NatsServer.freePort();
        String stream = "ADMIN_CURSOR";
        String output;
        try (RuntimeProcess runtime = RuntimeProcess.run(work, logConfig(nats.url(), port, stream, "cursor"), port,
                Map.of())) {
            replayFromASetCursor(runtime, nats.url(), stream);
            output = exercise(runtime);
        }
        // HH:mm:ss.SSS LEVEL [thread] pipeline-or-runtime logger - message
        Pattern format = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR)\\s+\\[[^]]*] "
                + "(\\S+) \\S+ - (.*)");
        List<String> problems = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int aboutPipelines = 0;
        int logLines = 0;
        for (String line : output.split("\n")) {
            Matcher m = format.matcher(line);
            if (!m.matches()) {
                continue;
            }
            logLines++;
            String mdc = m.group(2);
            String text = m.group(3);
            texts.add(mdc + " " + text);
            Matcher about = ABOUT_A_PIPELINE.matcher(text);
            if (about.find() && Set.of("ingest", "mirror").contains(about.group(1))) {
                aboutPipelines++;
                if (!about.group(1).equals(mdc)) {
                    problems.add("a line about pipeline " + about.group(1) + " tagged " + mdc + ": " + line);
                }
            }
        }
        assertTrue(logLines >= 10, output);
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertTrue(aboutPipelines >= 6, "lines naming a pipeline:\n" + String.join("\n", texts));
        assertStartupSummary(texts, port, "cursor");
    }

    /** The stream's events c-1..c-40 mirrored; the cursor set back to 20 while paused; 21..40 mirrored again. */
    private void replayFromASetCursor(RuntimeProcess runtime, String natsUrl, String stream) throws Exception {
        int n = 40;
        Path out = work.resolve("mirror.jsonl");
        // The ingest pipeline's sink declares the stream when it starts.
        await().atMost(Duration.ofSeconds(30)).until(() -> streamExists(natsUrl, stream));
        publish(natsUrl, 1, n);
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() == n);
        assertEquals(ids(1, n), idsOf(lines(out)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cursor(runtime, stream) == n);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode source = sourceStatus(runtime);
            assertEquals(stream, source.path("cursorKey").asText(), source.toString());
            assertEquals(n, source.path("cursor").asLong(), source.toString());
            assertEquals(0, pipeline(runtime, "mirror").path("rates").path("lagEvents").asLong());
        });

        assertError(409, runtime.request("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 20}"));
        assertEquals(200, runtime.request("POST", "/v1/pipelines/mirror/pause", null).statusCode());
        HttpResponse<String> set = runtime.request("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 20}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(stream, json(set).path("key").asText(), set.body());
        assertEquals(20, json(set).path("position").asLong(), set.body());
        assertEquals(20, cursor(runtime, stream));
        assertEquals(n, lines(out).size(), "nothing replays while paused");

        assertEquals(200, runtime.request("POST", "/v1/pipelines/mirror/resume", null).statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= n + 20);
        List<String> all = idsOf(lines(out));
        assertEquals(ids(21, n), all.subList(n, all.size()), "replayed from the new position, in order");
        await().atMost(Duration.ofSeconds(10)).until(() -> cursor(runtime, stream) == n);

        // The resumed source tails on; its gauge and status are the ones shown, not the paused source's (stuck at n).
        publish(natsUrl, n + 1, n + 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(out).size() >= n + 20 + 5);
        List<String> tail = idsOf(lines(out));
        assertEquals(ids(n + 1, n + 5), tail.subList(n + 20, tail.size()));
        await().atMost(Duration.ofSeconds(10)).until(() -> cursor(runtime, stream) == n + 5);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(Double.valueOf(n + 5),
                Scrape.parse(runtime.get("/metrics").body()).value("jetconnect_source_cursor",
                        Map.of("pipeline", "mirror")),
                "jetconnect_source_cursor after pause, cursor reset and resume"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sourceStatus(runtime).path("cursor").asLong() == n + 5);
    }

    /** @return the status the mirror's source registered, as {@code GET /v1/pipelines/mirror} shows it */
    private static JsonNode sourceStatus(RuntimeProcess runtime) throws IOException {
        for (JsonNode element : pipeline(runtime, "mirror").path("elements")) {
            if (element.path("element").asText().equals("source")) {
                return element.path("status");
            }
        }
        throw new AssertionError("no status of the source in " + pipeline(runtime, "mirror"));
    }

    private static boolean streamExists(String natsUrl, String stream) throws Exception {
        try (Connection nc = Nats.connect(natsUrl)) {
            return nc.jetStreamManagement().getStreamNames().contains(stream);
        }
    }

    /** One line per pipeline with its source, chain, subject and stream, and the listener's address. */
    private static void assertStartupSummary(List<String> texts, int port, String prefix) {
        List<String> ingest = texts.stream().filter(t -> t.contains("pipeline ingest running:")).toList();
        assertEquals(1, ingest.size(), String.join("\n", texts));
        String line = ingest.get(0);
        assertTrue(line.startsWith("ingest "), line);
        for (String part : List.of("source http", "chain redact -> sign -> dlq -> jetstream",
                "subject " + prefix + ".{tenantId}.v1", "stream events")) {
            assertTrue(line.contains(part), part + " in " + line);
        }
        List<String> mirror = texts.stream().filter(t -> t.contains("pipeline mirror running:")).toList();
        assertEquals(2, mirror.size(), "started, and started again by the restart:\n" + String.join("\n", texts));
        for (String part : List.of("source replay", "chain jsonl", "stream events")) {
            assertTrue(mirror.get(0).contains(part), part + " in " + mirror.get(0));
        }
        assertTrue(texts.stream().anyMatch(t -> t.contains("listening on http://127.0.0.1:" + port)),
                String.join("\n", texts));
    }
}
