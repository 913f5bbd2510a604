package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.ElementStatuses;
import io.jetconnect.runtime.pipeline.ListableCursors;
import io.jetconnect.runtime.pipeline.ManagedPipeline;
import io.jetconnect.runtime.pipeline.ManagedPipelines;
import io.jetconnect.runtime.pipeline.PipelineState;
import io.jetconnect.runtime.plugin.PluginInfo;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.CursorStore;
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
 * {@code {"error": ...}}. What it shows of a pipeline comes from the runtime's own counts and the statuses plugins
 * registered ({@link PipelineJson}), never from meter names or a plugin's configuration keys.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    /** What {@code POST /v1/reload} answers: a status and a JSON body. */
    public record Reply(int status, String json) {
    }

    private final ManagedPipelines pipelines;
    private final Supplier<PluginRegistry> plugins;
    private final PipelineJson describer;
    private final AdminActions actions;
    private final Supplier<Reply> reload;
    private final Optional<byte[]> token;
    private final Supplier<Optional<JsonNode>> cluster;
    private volatile ClusterControl clusterControl;

    /** The fleet's pause, resume and restart of a pipeline ({@code POST /v1/cluster/pipelines/{name}/{verb}}). */
    @FunctionalInterface
    public interface ClusterControl {
        /**
         * @return what was written for the fleet's workers to act on
         * @throws IllegalArgumentException for a pipeline the fleet does not have
         * @throws io.jetconnect.spi.RetriableException when it cannot be written now
         */
        JsonNode apply(String pipeline, String verb);
    }

    /** @param control how this worker asks the fleet to pause, resume or restart a pipeline */
    public void clusterControl(ClusterControl control) {
        this.clusterControl = control;
    }

    /**
     * @param pipelines the running pipelines
     * @param plugins the loaded plugins (a reload may replace the registry)
     * @param statuses the statuses the pipelines' extensions registered
     * @param actions the operator actions they offer
     * @param reload what {@code POST /v1/reload} does
     * @param token the admin token, if one is configured
     */
    public AdminApi(ManagedPipelines pipelines, Supplier<PluginRegistry> plugins, ElementStatuses statuses,
                    AdminActions actions, Supplier<Reply> reload, Optional<String> token) {
        this(pipelines, plugins, statuses, actions, reload, token, Optional::empty);
    }

    /**
     * As the other constructor, in fleet mode.
     *
     * @param cluster the fleet view {@code GET /v1/cluster} shows; empty for a single runtime (404)
     */
    public AdminApi(ManagedPipelines pipelines, Supplier<PluginRegistry> plugins, ElementStatuses statuses,
                    AdminActions actions, Supplier<Reply> reload, Optional<String> token,
                    Supplier<Optional<JsonNode>> cluster) {
        this.cluster = cluster;
        this.pipelines = pipelines;
        this.plugins = plugins;
        this.describer = new PipelineJson(JSON, statuses, System::nanoTime);
        this.actions = actions;
        this.reload = reload;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the spill of a pipeline as {@code GET /v1/pipelines/{name}/dlq} shows it: what a fleet worker's status
     *     reports
     */
    public JsonNode spill(String pipeline) {
        return describer.dlq(pipeline);
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
        if (path.equals("/v1/cluster")) {
            if (get(exchange, method)) {
                Optional<JsonNode> view = cluster.get();
                if (view.isPresent()) {
                    send(exchange, 200, view.get());
                } else {
                    error(exchange, 404, "not in fleet mode: set jetconnect.cluster { name, bucket } "
                            + "(docs/scale-out.md)");
                }
            }
            return true;
        }
        if (path.startsWith("/v1/cluster/pipelines/")) {
            clusterPipeline(exchange, method, path.substring("/v1/cluster/pipelines/".length()).split("/"));
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
                java.util.List<? extends ManagedPipeline> all = pipelines.all();
                all.forEach(p -> list.add(describer.describe(p)));
                describer.retain(all.stream().map(ManagedPipeline::name)
                        .collect(java.util.stream.Collectors.toSet()));
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
        Optional<? extends ManagedPipeline> found = pipelines.get(parts[0]);
        if (found.isEmpty()) {
            error(exchange, 404, "unknown pipeline '" + JsonText.truncate(parts[0], 100) + "'");
            return true;
        }
        ManagedPipeline pipeline = found.get();
        if (parts.length == 1) {
            if (get(exchange, method)) {
                send(exchange, 200, describer.describe(pipeline));
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
                        send(exchange, 200, describer.dlq(pipeline.name()));
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

    private void clusterPipeline(Exchange exchange, String method, String[] parts) throws IOException {
        ClusterControl control = clusterControl;
        if (parts.length != 2 || !java.util.Set.of("pause", "resume", "restart").contains(parts[1])) {
            error(exchange, 404, "no such path");
        } else if (control == null || cluster.get().isEmpty()) {
            error(exchange, 404, "not in fleet mode: set jetconnect.cluster { name, bucket } (docs/scale-out.md)");
        } else if (post(exchange, method) && authorized(exchange)) {
            try {
                send(exchange, 202, control.apply(parts[0], parts[1]));
            } catch (IllegalArgumentException e) {
                error(exchange, 404, JsonText.truncate(e.getMessage(), 200));
            } catch (io.jetconnect.spi.RetriableException e) {
                HttpListener.sendError(exchange, 503, Map.of("Retry-After", "1"), e.getMessage());
            }
        }
    }

    private void lifecycle(Exchange exchange, String method, ManagedPipeline pipeline, String verb)
            throws IOException {
        if (!post(exchange, method) || !authorized(exchange)) {
            return;
        }
        ManagedPipeline after = pipeline;
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
            error(exchange, 409, "pipeline " + pipeline.name() + " is " + PipelineJson.stateName(pipeline.state())
                    + "; cannot " + verb);
            return;
        }
        send(exchange, 200, describer.describe(after));
    }

    private void cursor(Exchange exchange, String method, ManagedPipeline pipeline) throws IOException {
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
        // Checked again, under the pipeline's lock, by the write: this one only spares reading the body.
        if (pipeline.state() != PipelineState.PAUSED) {
            notPaused(exchange, pipeline);
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
            key = defaultKey(pipeline.name(), listable);
            if (key == null) {
                error(exchange, 400, "say which cursor: {\"key\": K, \"position\": N}");
                return;
            }
        }
        try {
            if (!pipeline.setCursor(key, body.get("position").asLong())) {
                notPaused(exchange, pipeline);
                return;
            }
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("pipeline", pipeline.name()).put("key", key).put("position", body.get("position").asLong());
        send(exchange, 200, out);
    }

    private void notPaused(Exchange exchange, ManagedPipeline pipeline) throws IOException {
        error(exchange, 409, "pause pipeline " + pipeline.name() + " before setting its cursor");
    }

    /** The only key stored; else the key the source reports as its cursor's (a stream's or a durable's name). */
    private String defaultKey(String pipeline, ListableCursors listable) {
        Map<String, Long> all = listable.all();
        if (all.size() == 1) {
            return all.keySet().iterator().next();
        }
        return describer.cursorKey(pipeline).orElse(null);
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
