package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.ListableCursors;
import io.jetconnect.runtime.pipeline.Pipeline;
import io.jetconnect.runtime.pipeline.PipelineState;
import io.jetconnect.runtime.pipeline.Pipelines;
import io.jetconnect.runtime.pipeline.ResolvedElement;
import io.jetconnect.runtime.plugin.PluginInfo;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.CursorStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin API on the runtime's listener: pipelines (state, chain, counters; pause, resume, restart), plugins,
 * cursors, the spill log, operator actions and reload. Mutating calls need {@code Authorization: Bearer <token>}
 * when an admin token is configured (and one must be whenever the listener is not on loopback). Errors are JSON
 * {@code {"error": ...}}.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    /** What {@code POST /v1/reload} answers: a status and a JSON body. */
    public record Reply(int status, String json) {
    }

    private final Pipelines pipelines;
    private final Supplier<PluginRegistry> plugins;
    private final MeterRegistry meters;
    private final AdminActions actions;
    private final Supplier<Reply> reload;
    private final Optional<byte[]> token;
    private final PipelineRates rates = new PipelineRates(System::nanoTime);

    public AdminApi(Pipelines pipelines, Supplier<PluginRegistry> plugins, MeterRegistry meters,
                    AdminActions actions, Supplier<Reply> reload, Optional<String> token) {
        this.pipelines = pipelines;
        this.plugins = plugins;
        this.meters = meters;
        this.actions = actions;
        this.reload = reload;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Serves the request if it is an admin route.
     *
     * @return whether it was one
     */
    boolean handle(Exchange exchange, String method, String path) throws IOException {
        if (path.equals("/v1/plugins")) {
            if (get(exchange, method)) {
                send(exchange, 200, plugins());
            }
            return true;
        }
        if (path.equals("/v1/reload")) {
            if (post(exchange, method) && authorized(exchange)) {
                Reply reply = reload.get();
                HttpListener.send(exchange, reply.status(), "application/json", Map.of(),
                        reply.json().getBytes(StandardCharsets.UTF_8));
            }
            return true;
        }
        if (path.equals("/v1/pipelines")) {
            if (get(exchange, method)) {
                ArrayNode list = JSON.createArrayNode();
                java.util.List<Pipeline> all = pipelines.all();
                all.forEach(p -> list.add(describe(p)));
                rates.retain(all.stream().map(Pipeline::name).collect(java.util.stream.Collectors.toSet()));
                ObjectNode body = JSON.createObjectNode();
                body.set("pipelines", list);
                send(exchange, 200, body);
            }
            return true;
        }
        if (!path.startsWith("/v1/pipelines/")) {
            return false;
        }
        String[] parts = path.substring("/v1/pipelines/".length()).split("/");
        Optional<Pipeline> found = pipelines.get(parts[0]);
        if (found.isEmpty()) {
            error(exchange, 404, "unknown pipeline '" + JsonText.truncate(parts[0], 100) + "'");
            return true;
        }
        Pipeline pipeline = found.get();
        if (parts.length == 1) {
            if (get(exchange, method)) {
                send(exchange, 200, describe(pipeline));
            }
            return true;
        }
        String verb = parts[1];
        if (parts.length == 2) {
            switch (verb) {
                case "pause", "resume", "restart" -> lifecycle(exchange, method, pipeline, verb);
                case "cursor" -> cursor(exchange, method, pipeline);
                case "dlq" -> {
                    if (get(exchange, method)) {
                        send(exchange, 200, dlq(pipeline.name()));
                    }
                }
                default -> error(exchange, 404, "no such path");
            }
            return true;
        }
        if (parts.length == 3) {
            if (post(exchange, method) && authorized(exchange)) {
                Optional<Runnable> action = actions.action(pipeline.name(), parts[1], parts[2]);
                if (action.isEmpty()) {
                    error(exchange, 404, "no action '" + JsonText.truncate(parts[2], 50) + "' on '"
                            + JsonText.truncate(parts[1], 50) + "' in pipeline " + pipeline.name());
                } else {
                    action.get().run();
                    ObjectNode body = JSON.createObjectNode();
                    body.put("pipeline", pipeline.name()).put("action", parts[1] + "/" + parts[2]);
                    send(exchange, 202, body);
                }
            }
            return true;
        }
        error(exchange, 404, "no such path");
        return true;
    }

    private void lifecycle(Exchange exchange, String method, Pipeline pipeline, String verb) throws IOException {
        if (!post(exchange, method) || !authorized(exchange)) {
            return;
        }
        Pipeline after = pipeline;
        boolean done;
        switch (verb) {
            case "pause" -> done = pipeline.pause();
            case "resume" -> done = pipeline.resume();
            default -> {
                after = pipelines.restart(pipeline.name());
                done = true;
            }
        }
        if (!done) {
            error(exchange, 409, "pipeline " + pipeline.name() + " is " + stateName(pipeline.state())
                    + "; cannot " + verb);
            return;
        }
        send(exchange, 200, describe(after));
    }

    private void cursor(Exchange exchange, String method, Pipeline pipeline) throws IOException {
        CursorStore store = pipeline.cursors();
        if (!(store instanceof ListableCursors listable)) {
            error(exchange, 409, "pipeline " + pipeline.name() + " has no cursor store yet");
            return;
        }
        if (method.equals("GET")) {
            ObjectNode body = JSON.createObjectNode();
            body.put("pipeline", pipeline.name());
            ObjectNode cursors = body.putObject("cursors");
            listable.all().forEach(cursors::put);
            send(exchange, 200, body);
            return;
        }
        if (!method.equals("PUT")) {
            HttpListener.sendError(exchange, 405, Map.of("Allow", "GET, PUT"), "method not allowed");
            return;
        }
        if (!authorized(exchange)) {
            return;
        }
        if (pipeline.state() != PipelineState.PAUSED) {
            error(exchange, 409, "pause pipeline " + pipeline.name() + " before setting its cursor");
            return;
        }
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                error(exchange, 413, "body too large");
                return;
            }
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            error(exchange, 400, "body must be JSON: {\"position\": N} or {\"key\": K, \"position\": N}");
            return;
        }
        if (body == null || !body.path("position").canConvertToLong() || body.path("position").asLong() < 0) {
            error(exchange, 400, "body must be JSON: {\"position\": N} or {\"key\": K, \"position\": N}");
            return;
        }
        String key = body.path("key").asText("");
        if (key.isEmpty()) {
            key = defaultKey(pipeline, listable);
            if (key == null) {
                error(exchange, 400, "say which cursor: {\"key\": K, \"position\": N}");
                return;
            }
        }
        try {
            store.store(key, body.get("position").asLong());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("pipeline", pipeline.name()).put("key", key).put("position", body.get("position").asLong());
        send(exchange, 200, out);
    }

    /** The source's stream (its name) is the usual key; else the only key stored. */
    private static String defaultKey(Pipeline pipeline, ListableCursors listable) {
        Map<String, Long> all = listable.all();
        if (all.size() == 1) {
            return all.keySet().iterator().next();
        }
        ResolvedElement source = pipeline.definition().source();
        if (source.config().hasPath("durable") && !source.config().getString("durable").isBlank()) {
            return source.config().getString("durable");
        }
        if (source.config().hasPath("stream")) {
            String ref = source.config().getString("stream");
            return pipeline.streamName(ref);
        }
        return null;
    }

    private ObjectNode describe(Pipeline p) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", p.name());
        node.put("state", stateName(p.state()));
        p.lastError().ifPresent(e -> node.put("lastError", e));
        p.waitingFor().ifPresent(w -> node.put("waitingFor", w));
        node.put("source", p.definition().source().type().name());
        ArrayNode chain = node.putArray("chain");
        p.definition().sinks().forEach(e -> chain.add(e.type().name()));
        ObjectNode counters = node.putObject("counters");
        counters.put("inFlight", p.inFlight());
        counters.put("sourceEvents", sum("jetconnect.source.events", p.name(), null, null));
        for (String outcome : new String[] {"published", "duplicate", "failed", "rejected"}) {
            counters.put("sink" + Character.toUpperCase(outcome.charAt(0)) + outcome.substring(1),
                    sum("jetconnect.sink.events", p.name(), "outcome", outcome));
        }
        node.set("rates", rates(p.name(), counters.path("sourceEvents").asLong()));
        return node;
    }

    /**
     * The live view of {@code jetconnect top}: events/s into the chain (the source's durably handled events) and out
     * of it (what the terminal sink stored or wrote: published, duplicate, written), the spill's depth and the
     * source's lag.
     */
    private ObjectNode rates(String pipeline, long in) {
        long out = sum("jetconnect.sink.events", pipeline, "outcome", "published")
                + sum("jetconnect.sink.events", pipeline, "outcome", "duplicate")
                + sum("jetconnect.sink.events", pipeline, "outcome", "written");
        PipelineRates.Rates r = rates.sample(pipeline, in, out);
        ObjectNode node = JSON.createObjectNode();
        node.put("eventsInPerSecond", Math.round(r.inPerSecond() * 10) / 10.0);
        node.put("eventsOutPerSecond", Math.round(r.outPerSecond() * 10) / 10.0);
        node.put("intervalSeconds", Math.round(r.seconds() * 100) / 100.0);
        node.put("spillDepth", sum("jetconnect.dlq.events", pipeline, null, null));
        node.put("lagEvents", sum("jetconnect.source.lag.events", pipeline, null, null));
        return node;
    }

    private ObjectNode dlq(String pipeline) {
        ObjectNode node = JSON.createObjectNode();
        node.put("pipeline", pipeline);
        node.put("depth", sum("jetconnect.dlq.events", pipeline, null, null));
        node.put("bytes", sum("jetconnect.dlq.bytes", pipeline, null, null));
        node.put("oldestAgeSeconds", sum("jetconnect.dlq.oldest.age.seconds", pipeline, null, null));
        node.put("quarantined", sum("jetconnect.dlq.quarantined", pipeline, null, null));
        node.put("spilled", sum("jetconnect.dlq.spilled", pipeline, null, null));
        node.put("drained", sum("jetconnect.dlq.drained", pipeline, null, null));
        node.put("present", meters.find("jetconnect.dlq.events").tag("pipeline", pipeline).meter() != null);
        return node;
    }

    /** Sums the first measurement of every meter of that name and pipeline (and tag, if given). */
    private long sum(String name, String pipeline, String tag, String value) {
        var search = meters.find(name).tag("pipeline", pipeline);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        double total = 0;
        for (Meter meter : search.meters()) {
            for (var m : meter.measure()) {
                total += m.getValue();
                break;
            }
        }
        return Math.round(total);
    }

    private ObjectNode plugins() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("plugins");
        PluginRegistry registry = plugins.get();
        for (PluginInfo info : registry.plugins()) {
            ObjectNode plugin = list.addObject();
            plugin.put("id", info.id()).put("version", info.version());
            ArrayNode types = plugin.putArray("types");
            for (PluginType type : info.types()) {
                types.addObject().put("name", type.name()).put("kind", type.kind().label());
            }
        }
        ArrayNode problems = body.putArray("problems");
        registry.problems().forEach(problems::add);
        return body;
    }

    private static String stateName(PipelineState state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    private boolean authorized(Exchange exchange) throws IOException {
        if (token.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(given, token.get())) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        error(exchange, header == null ? 401 : 403, header == null ? "this call needs Authorization: Bearer <token>"
                : "invalid admin token");
        return false;
    }

    private static boolean get(Exchange exchange, String method) throws IOException {
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        HttpListener.sendError(exchange, 405, Map.of("Allow", "GET"), "method not allowed");
        return false;
    }

    private static boolean post(Exchange exchange, String method) throws IOException {
        if (method.equals("POST")) {
            return true;
        }
        HttpListener.sendError(exchange, 405, Map.of("Allow", "POST"), "method not allowed");
        return false;
    }

    private static void send(Exchange exchange, int status, JsonNode body) throws IOException {
        HttpListener.send(exchange, status, "application/json", Map.of(), JSON.writeValueAsBytes(body));
    }

    private static void error(Exchange exchange, int status, String message) throws IOException {
        HttpListener.sendError(exchange, status, message);
    }
}
