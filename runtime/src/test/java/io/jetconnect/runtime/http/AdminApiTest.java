package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.ChainCounts;
import io.jetconnect.runtime.pipeline.ElementStatuses;
import io.jetconnect.runtime.pipeline.FileCursorStore;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.runtime.pipeline.ManagedPipeline;
import io.jetconnect.runtime.pipeline.ManagedPipelines;
import io.jetconnect.runtime.pipeline.PipelineState;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.CollectingSink;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's routes over real HTTP (the Vert.x listener on a free port) against fake pipelines: what each
 * route answers, its errors, the bearer token, the cursor, and that its figures come from the runtime's counts and
 * the statuses plugins registered. The real process (token file, TLS, pause and restart of real pipelines, a
 * drain across a broker outage) is {@code distribution}'s {@code AdminApiIT}.
 */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-admin-token";

    /** {@code plugins/} holds the plugin jar; the fake pipelines' cursor stores go beside it. */
    @TempDir
    static Path plugins;

    private final FakePipelines pipelines = new FakePipelines();
    private final ElementStatuses statuses = new ElementStatuses();
    private final AdminActions actions = new AdminActions();
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminApi.Reply reloadReply = new AdminApi.Reply(200,
            "{\"started\":[],\"restarted\":[],\"stopped\":[],\"unchanged\":[\"ingest\"]}");
    private PluginRegistry registry;
    private HttpListener listener;

    // ---------------------------------------------------------------------------------------------------------
    // fakes and helpers

    /** A pipeline whose state, counts and cursors the test sets; pause and resume follow the real rules. */
    private static final class FakePipeline implements ManagedPipeline {

        final String name;
        final String source;
        final List<String> chain;
        volatile PipelineState state = PipelineState.RUNNING;
        volatile String lastError;
        volatile String waitingFor;
        volatile ChainCounts counts = ChainCounts.NONE;
        volatile long inFlight;
        volatile FileCursorStore cursors;
        /** Whether a resume comes between the admin API's first look at the state and its write of a cursor. */
        volatile boolean resumedBeforeCursorSet;

        FakePipeline(String name, String source, String... chain) {
            this.cursors = new FileCursorStore(plugins.resolve("cursors-" + name + "-" + System.nanoTime()));
            this.name = name;
            this.source = source;
            this.chain = List.of(chain);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PipelineState state() {
            return state;
        }

        @Override
        public Optional<String> lastError() {
            return Optional.ofNullable(lastError);
        }

        @Override
        public Optional<String> waitingFor() {
            return Optional.ofNullable(waitingFor);
        }

        @Override
        public String sourceType() {
            return source;
        }

        @Override
        public List<String> chain() {
            return chain;
        }

        @Override
        public long inFlight() {
            return inFlight;
        }

        @Override
        public ChainCounts counts() {
            return counts;
        }

        @Override
        public CursorStore cursors() {
            return cursors;
        }

        @Override
        public boolean pause() {
            return move(PipelineState.RUNNING, PipelineState.PAUSED);
        }

        @Override
        public boolean resume() {
            return move(PipelineState.PAUSED, PipelineState.RUNNING);
        }

        @Override
        public synchronized boolean setCursor(String key, long position) {
            if (resumedBeforeCursorSet) {
                resume();
            }
            if (state != PipelineState.PAUSED) {
                return false;
            }
            cursors.store(key, position);
            return true;
        }

        private synchronized boolean move(PipelineState from, PipelineState to) {
            if (state != from) {
                return false;
            }
            state = to;
            return true;
        }
    }

    private static final class FakePipelines implements ManagedPipelines {

        final Map<String, FakePipeline> byName = new LinkedHashMap<>();
        final AtomicInteger restarts = new AtomicInteger();

        FakePipeline add(FakePipeline p) {
            byName.put(p.name, p);
            return p;
        }

        @Override
        public synchronized List<FakePipeline> all() {
            return new ArrayList<>(byName.values());
        }

        @Override
        public synchronized Optional<FakePipeline> get(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        /** As the runtime does it: a new instance, running, counters from 0. */
        @Override
        public synchronized FakePipeline restart(String name) {
            FakePipeline old = byName.get(name);
            FakePipeline fresh = new FakePipeline(old.name, old.source, old.chain.toArray(String[]::new));
            byName.put(name, fresh);
            restarts.incrementAndGet();
            return fresh;
        }
    }

    private void start(Optional<String> token) throws Exception {
        registry = PluginRegistry.load(plugins.resolve("plugins"));
        listener = new HttpListener("127.0.0.1", 0, new IngressRoutes(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new HttpListener.Readiness(true, "{}"), null);
        listener.admin(new AdminApi(pipelines, () -> registry, statuses, actions, () -> reloadReply, token));
        listener.start();
    }

    @BeforeEach
    void pluginJar() throws Exception {
        Path jar = plugins.resolve("plugins").resolve("admin-test-plugin.jar");
        if (!Files.exists(jar)) {
            Files.createDirectories(jar.getParent());
            PluginJars.builder(jar, "admin-test-plugin", "1.2.3")
                    .extension(CollectingSink.class)
                    .resource("reference.conf", "collect { label = default-label }")
                    .build();
        }
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listener.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, null);
    }

    private JsonNode okJson(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = call(method, path, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    /** Asserts a status and a JSON {@code {"error": "..."}} body. */
    private static void assertError(int status, HttpResponse<String> response) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.path("error").isTextual() && !body.get("error").asText().isBlank(), response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // descriptions

    @Test
    void pipelinesAreDescribedFromTheRuntimesCountsAndThePluginsStatuses() throws Exception {
        FakePipeline ingest = pipelines.add(new FakePipeline("ingest", "http", "redact", "dlq", "jetstream"));
        ingest.counts = new ChainCounts(12, 10, 3, 2);
        ingest.inFlight = 4;
        statuses.register("ingest", 1, "dlq", () -> Map.of("depth", 7L, "bytes", 900L, "mode", "spilling"));
        statuses.register("ingest", 2, "jetstream", () -> Map.of("duplicate", 4L));
        FakePipeline side = pipelines.add(new FakePipeline("side", "replay", "jsonl"));
        side.state = PipelineState.FAILED;
        side.lastError = "stream gone";
        statuses.register("side", -1, "replay", () -> Map.of("stream", "EVENTS", "cursorKey", "EVENTS",
                "cursor", 40L, "lagEvents", 60L));
        start(Optional.empty());

        JsonNode all = okJson("GET", "/v1/pipelines", null, 200);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        all.path("pipelines").forEach(p -> byName.put(p.path("name").asText(), p));
        assertEquals(List.of("ingest", "side"), List.copyOf(byName.keySet()), "in start order");

        JsonNode one = byName.get("ingest");
        assertEquals("running", one.path("state").asText());
        assertEquals("http", one.path("source").asText());
        assertEquals(List.of("redact", "dlq", "jetstream"), texts(one.path("chain")));
        assertFalse(one.has("lastError"), one.toString());
        JsonNode counters = one.path("counters");
        for (String counter : List.of("inFlight", "sourceEvents", "sinkPublished", "sinkDuplicate", "sinkFailed",
                "sinkRejected")) {
            assertTrue(counters.path(counter).isIntegralNumber(), counter + " in " + counters);
        }
        assertEquals(4, counters.path("inFlight").asLong());
        assertEquals(12, counters.path("sourceEvents").asLong());
        assertEquals(6, counters.path("sinkPublished").asLong(), "stored less the duplicates the sink reports");
        assertEquals(4, counters.path("sinkDuplicate").asLong());
        assertEquals(3, counters.path("sinkFailed").asLong());
        assertEquals(2, counters.path("sinkRejected").asLong());
        JsonNode rates = one.path("rates");
        assertEquals(7, rates.path("spillDepth").asLong(), "the dlq's status, not a meter");
        assertEquals(0, rates.path("lagEvents").asLong());
        assertEquals(0.0, rates.path("intervalSeconds").asDouble(), "no earlier reading");
        assertTrue(rates.path("eventsInPerSecond").isNumber() && rates.path("eventsOutPerSecond").isNumber());
        assertEquals("[{\"element\":\"sinks[1]\",\"type\":\"dlq\",\"status\":{\"bytes\":900,\"depth\":7,"
                + "\"mode\":\"spilling\"}},{\"element\":\"sinks[2]\",\"type\":\"jetstream\",\"status\":"
                + "{\"duplicate\":4}}]", sorted(one.path("elements")).toString());

        JsonNode failed = byName.get("side");
        assertEquals("failed", failed.path("state").asText());
        assertEquals("stream gone", failed.path("lastError").asText());
        assertEquals(60, failed.path("rates").path("lagEvents").asLong(), "the source's status");
        assertEquals(0, failed.path("counters").path("sinkDuplicate").asLong(), "a sink that reports none");

        JsonNode single = okJson("GET", "/v1/pipelines/ingest", null, 200);
        assertEquals(one.path("chain"), single.path("chain"));
        assertEquals(one.path("counters"), single.path("counters"));
    }

    /** Status maps are unordered: sorts each element's status by key for a stable comparison. */
    private static JsonNode sorted(JsonNode elements) throws Exception {
        List<Object> out = new ArrayList<>();
        for (JsonNode e : elements) {
            Map<String, Object> element = new LinkedHashMap<>();
            element.put("element", e.path("element").asText());
            element.put("type", e.path("type").asText());
            element.put("status", new java.util.TreeMap<>(JSON.convertValue(e.path("status"), Map.class)));
            out.add(element);
        }
        return JSON.valueToTree(out);
    }

    @Test
    void theFleetViewIsOnlyInFleetMode() throws Exception {
        start(Optional.empty());
        JsonNode body = okJson("GET", "/v1/cluster", null, 404);
        assertTrue(body.get("error").asText().startsWith("not in fleet mode"), body.toString());
    }

    @Test
    void fleetControlsAreWrittenThroughTheWorkersCall() throws Exception {
        start(Optional.empty());
        assertTrue(okJson("POST", "/v1/cluster/pipelines/a/pause", null, 404).get("error").asText()
                .startsWith("not in fleet mode"));
        listener.close();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.close();
        registry = PluginRegistry.load(plugins.resolve("plugins"));
        listener = new HttpListener("127.0.0.1", 0, new IngressRoutes(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new HttpListener.Readiness(true, "{}"), null);
        AdminApi admin = new AdminApi(pipelines, () -> registry, statuses, actions, () -> reloadReply,
                Optional.of("s3cret"), () -> Optional.of(JSON.createObjectNode()));
        admin.clusterControl((pipeline, verb) -> {
            if (pipeline.equals("gone")) {
                throw new IllegalArgumentException("the fleet has no pipeline 'gone'");
            }
            if (pipeline.equals("away")) {
                throw new io.jetconnect.spi.RetriableException("fleet bucket not reached yet");
            }
            asked.add(verb + " " + pipeline);
            return JSON.createObjectNode().put("pipeline", pipeline).put("action", verb);
        });
        listener.admin(admin);
        listener.start();
        String auth = "Bearer s3cret";
        assertEquals(401, call("POST", "/v1/cluster/pipelines/a/pause", null).statusCode());
        assertEquals(202, call("POST", "/v1/cluster/pipelines/a/pause", null, "Authorization", auth).statusCode());
        assertEquals(202, call("POST", "/v1/cluster/pipelines/a/restart", null, "Authorization", auth)
                .statusCode());
        assertError(404, call("POST", "/v1/cluster/pipelines/gone/resume", null, "Authorization", auth));
        assertError(503, call("POST", "/v1/cluster/pipelines/away/resume", null, "Authorization", auth));
        assertError(404, call("POST", "/v1/cluster/pipelines/a/stop", null, "Authorization", auth));
        assertEquals(405, call("GET", "/v1/cluster/pipelines/a/pause", null).statusCode());
        assertEquals(List.of("pause a", "restart a"), asked);
    }

    @Test
    void aWaitingPipelineSaysWhatFor() throws Exception {
        FakePipeline p = pipelines.add(new FakePipeline("ingest", "http", "jetstream"));
        p.state = PipelineState.WAITING;
        p.waitingFor = "NATS at nats://127.0.0.1:4222";
        start(Optional.empty());
        JsonNode one = okJson("GET", "/v1/pipelines/ingest", null, 200);
        assertEquals("waiting", one.path("state").asText());
        assertEquals("NATS at nats://127.0.0.1:4222", one.path("waitingFor").asText());
    }

    @Test
    void aStatusThatThrowsLeavesTheElementOutAndTheRestAnswers() throws Exception {
        pipelines.add(new FakePipeline("ingest", "http", "dlq", "jetstream"));
        statuses.register("ingest", 0, "dlq", () -> {
            throw new IllegalStateException("closing");
        });
        start(Optional.empty());
        JsonNode one = okJson("GET", "/v1/pipelines/ingest", null, 200);
        assertEquals(0, one.path("elements").size(), one.toString());
        assertEquals(0, one.path("rates").path("spillDepth").asLong());
    }

    @Test
    void pluginsAreListedWithTheirTypesAndProblems() throws Exception {
        start(Optional.empty());
        JsonNode body = okJson("GET", "/v1/plugins", null, 200);
        JsonNode plugin = null;
        for (JsonNode p : body.path("plugins")) {
            if (p.path("id").asText().equals("admin-test-plugin")) {
                plugin = p;
            }
        }
        assertTrue(plugin != null, body.toString());
        assertEquals("1.2.3", plugin.path("version").asText());
        assertEquals("[{\"name\":\"collect\",\"kind\":\"sink\"}]", plugin.path("types").toString());
        assertTrue(body.path("problems").isArray() && body.path("problems").isEmpty(), body.toString());
    }

    // ---------------------------------------------------------------------------------------------------------
    // dlq and actions

    @Test
    void theDlqRouteShowsTheLayersStatusAndDrainRunsItsAction() throws Exception {
        pipelines.add(new FakePipeline("ingest", "http", "dlq", "jetstream"));
        pipelines.add(new FakePipeline("plain", "http", "jetstream"));
        statuses.register("ingest", 0, "dlq", () -> Map.of("depth", 5L, "bytes", 1200L, "oldestAgeSeconds", 3L,
                "quarantined", 1L, "spilled", 6L, "drained", 1L, "mode", "spilling",
                "refused", Map.of("full", 2L)));
        AtomicInteger drains = new AtomicInteger();
        actions.register("ingest", "dlq", "drain", drains::incrementAndGet);
        start(Optional.empty());

        JsonNode dlq = okJson("GET", "/v1/pipelines/ingest/dlq", null, 200);
        assertEquals("ingest", dlq.path("pipeline").asText());
        Map<String, Long> expected = Map.of("depth", 5L, "bytes", 1200L, "oldestAgeSeconds", 3L, "quarantined", 1L,
                "spilled", 6L, "drained", 1L);
        expected.forEach((field, value) -> assertEquals((long) value, dlq.path(field).asLong(-1), field));
        assertTrue(dlq.path("present").asBoolean());
        assertEquals("spilling", dlq.path("mode").asText(), "what else the layer reports is added");
        assertEquals(2, dlq.path("refused").path("full").asLong());

        JsonNode none = okJson("GET", "/v1/pipelines/plain/dlq", null, 200);
        for (String field : expected.keySet()) {
            assertEquals(0, none.path(field).asLong(-1), field);
        }
        assertFalse(none.path("present").asBoolean(true));

        JsonNode drained = okJson("POST", "/v1/pipelines/ingest/dlq/drain", null, 202);
        assertEquals("{\"pipeline\":\"ingest\",\"action\":\"dlq/drain\"}", drained.toString());
        assertEquals(1, drains.get());
        assertError(404, call("POST", "/v1/pipelines/plain/dlq/drain", null));
        assertError(404, call("POST", "/v1/pipelines/ingest/nope/drain", null));
        assertError(405, call("GET", "/v1/pipelines/ingest/dlq/drain", null));
        assertEquals(1, drains.get());
    }

    // ---------------------------------------------------------------------------------------------------------
    // errors

    @Test
    void unknownNamesAnswer404AndWrongMethods405() throws Exception {
        pipelines.add(new FakePipeline("ingest", "http", "jetstream"));
        start(Optional.empty());
        assertError(404, get("/v1/pipelines/nope"));
        assertError(404, call("POST", "/v1/pipelines/nope/pause", null));
        assertError(404, call("POST", "/v1/pipelines/nope/resume", null));
        assertError(404, call("POST", "/v1/pipelines/nope/restart", null));
        assertError(404, get("/v1/pipelines/nope/cursor"));
        assertError(404, get("/v1/pipelines/nope/dlq"));
        assertError(404, get("/v1/pipelines/ingest/nope"));
        assertError(404, get("/v1/pipelines/ingest/a/b/c"));
        HttpResponse<String> delete = call("DELETE", "/v1/pipelines", null);
        assertError(405, delete);
        assertEquals("GET", delete.headers().firstValue("Allow").orElse(null));
        HttpResponse<String> getPause = call("GET", "/v1/pipelines/ingest/pause", null);
        assertError(405, getPause);
        assertEquals("POST", getPause.headers().firstValue("Allow").orElse(null));
        assertError(405, call("POST", "/v1/plugins", null));
        assertError(405, call("GET", "/v1/reload", null));
        assertError(405, call("DELETE", "/v1/pipelines/ingest/cursor", null));
        assertError(409, call("POST", "/v1/pipelines/ingest/resume", null));
    }

    // ---------------------------------------------------------------------------------------------------------
    // lifecycle

    @Test
    void pauseResumeAndRestartAnswerThePipelineAndRefuseWhatItsStateForbids() throws Exception {
        FakePipeline ingest = pipelines.add(new FakePipeline("ingest", "http", "jetstream"));
        start(Optional.empty());

        JsonNode paused = okJson("POST", "/v1/pipelines/ingest/pause", null, 200);
        assertEquals("paused", paused.path("state").asText());
        assertEquals(PipelineState.PAUSED, ingest.state);
        assertError(409, call("POST", "/v1/pipelines/ingest/pause", null));
        assertEquals("paused", okJson("GET", "/v1/pipelines/ingest", null, 200).path("state").asText());

        assertEquals("running", okJson("POST", "/v1/pipelines/ingest/resume", null, 200).path("state").asText());
        assertError(409, call("POST", "/v1/pipelines/ingest/resume", null));

        ingest.state = PipelineState.FAILED;
        ingest.lastError = "broken";
        ingest.counts = new ChainCounts(5, 5, 0, 0);
        JsonNode restarted = okJson("POST", "/v1/pipelines/ingest/restart", null, 200);
        assertEquals(1, pipelines.restarts.get());
        assertEquals("running", restarted.path("state").asText(), "the new instance, from a failed one");
        assertFalse(restarted.has("lastError"));
        assertEquals(0, restarted.path("counters").path("sourceEvents").asLong(), "a restart starts from 0");
    }

    // ---------------------------------------------------------------------------------------------------------
    // cursor

    @Test
    void theCursorIsListedAndSetOnlyWhilePausedWithTheSourcesKeyAsDefault() throws Exception {
        FakePipeline mirror = pipelines.add(new FakePipeline("mirror", "replay", "jsonl"));
        statuses.register("mirror", -1, "replay", () -> Map.of("stream", "EVENTS", "cursorKey", "EVENTS",
                "cursor", 40L, "lagEvents", 0L));
        start(Optional.empty());

        assertEquals("{\"pipeline\":\"mirror\",\"cursors\":{}}",
                okJson("GET", "/v1/pipelines/mirror/cursor", null, 200).toString());
        assertError(409, call("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 20}"));

        mirror.pause();
        assertError(400, call("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": \"x\"}"));
        assertError(400, call("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": -1}"));
        assertError(400, call("PUT", "/v1/pipelines/mirror/cursor", "not json"));
        assertError(400, call("PUT", "/v1/pipelines/mirror/cursor", "{\"key\": \"a/b\", \"position\": 1}"));
        assertError(413, call("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 1, \"pad\": \""
                + "x".repeat(70 * 1024) + "\"}"));
        JsonNode set = okJson("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 20}", 200);
        assertEquals("{\"pipeline\":\"mirror\",\"key\":\"EVENTS\",\"position\":20}", set.toString(),
                "no key: the one the source reports");
        JsonNode other = okJson("PUT", "/v1/pipelines/mirror/cursor", "{\"key\": \"other\", \"position\": 7}", 200);
        assertEquals("other", other.path("key").asText());
        assertEquals("{\"EVENTS\":20,\"other\":7}",
                okJson("GET", "/v1/pipelines/mirror/cursor", null, 200).path("cursors").toString());

        mirror.resumedBeforeCursorSet = true; // resumed after the first look at its state, before the write
        assertError(409, call("PUT", "/v1/pipelines/mirror/cursor", "{\"position\": 5}"));
        assertEquals(PipelineState.RUNNING, mirror.state());
        assertEquals("{\"EVENTS\":20,\"other\":7}",
                okJson("GET", "/v1/pipelines/mirror/cursor", null, 200).path("cursors").toString(),
                "nothing written over a running source's cursor");
    }

    @Test
    void withoutASourceKeyTheOnlyStoredKeyIsMeantAndNoneIsA400() throws Exception {
        FakePipeline p = pipelines.add(new FakePipeline("ingest", "http", "jetstream"));
        start(Optional.empty());
        p.pause();
        assertError(400, call("PUT", "/v1/pipelines/ingest/cursor", "{\"position\": 3}"));
        p.cursors.store("only", 1L);
        assertEquals("only", okJson("PUT", "/v1/pipelines/ingest/cursor", "{\"position\": 3}", 200)
                .path("key").asText());
        p.cursors = null;
        assertError(409, call("GET", "/v1/pipelines/ingest/cursor", null));
    }

    // ---------------------------------------------------------------------------------------------------------
    // reload and token

    @Test
    void reloadAnswersWhatTheRuntimeReplies() throws Exception {
        start(Optional.empty());
        JsonNode ok = okJson("POST", "/v1/reload", null, 200);
        assertEquals(List.of("ingest"), texts(ok.path("unchanged")));
        reloadReply = new AdminApi.Reply(400, "{\"error\":\"invalid\",\"problems\":[\"pipeline.conf:3: x\"]}");
        HttpResponse<String> rejected = call("POST", "/v1/reload", null);
        assertError(400, rejected);
        assertEquals(List.of("pipeline.conf:3: x"), texts(JSON.readTree(rejected.body()).path("problems")));
    }

    @Test
    void mutatingCallsNeedTheBearerTokenAndGetsDoNot() throws Exception {
        FakePipeline ingest = pipelines.add(new FakePipeline("ingest", "http", "dlq", "jetstream"));
        statuses.register("ingest", 0, "dlq", () -> Map.of("depth", 0L));
        AtomicInteger drains = new AtomicInteger();
        actions.register("ingest", "dlq", "drain", drains::incrementAndGet);
        start(Optional.of(TOKEN));
        for (String path : List.of("/v1/pipelines", "/v1/pipelines/ingest", "/v1/plugins",
                "/v1/pipelines/ingest/dlq", "/v1/pipelines/ingest/cursor")) {
            assertEquals(200, get(path).statusCode(), path);
        }

        Map<String, Integer> calls = new LinkedHashMap<>();
        calls.put("POST /v1/pipelines/ingest/pause", 200);
        calls.put("PUT /v1/pipelines/ingest/cursor", 200);
        calls.put("POST /v1/pipelines/ingest/resume", 200);
        calls.put("POST /v1/pipelines/ingest/restart", 200);
        calls.put("POST /v1/pipelines/ingest/dlq/drain", 202);
        calls.put("POST /v1/reload", 200);
        for (Map.Entry<String, Integer> c : calls.entrySet()) {
            String method = c.getKey().split(" ")[0];
            String path = c.getKey().split(" ")[1];
            String body = method.equals("PUT") ? "{\"key\": \"admin-test\", \"position\": 7}" : null;
            HttpResponse<String> none = call(method, path, body);
            assertError(401, none);
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null), c.getKey());
            assertError(403, call(method, path, body, "Authorization", "Bearer wrong-token"));
            assertError(403, call(method, path, body, "Authorization", "Basic czNjcmV0"));
            HttpResponse<String> ok = call(method, path, body, "Authorization", "Bearer " + TOKEN);
            assertEquals((int) c.getValue(), ok.statusCode(), c.getKey() + ": " + ok.body());
        }
        assertEquals(1, drains.get(), "only the authorized drain ran");
        assertEquals(OptionalLong.of(7), ingest.cursors.load("admin-test"), "only the authorized PUT stored");
        assertEquals(1, pipelines.restarts.get());
    }
}
