package io.jetconnect.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's one HTTP listener (the JDK's {@code HttpServer}): ingest routed to the pipelines' sources,
 * {@code /metrics}, {@code /healthz} and {@code /readyz}. A handler's stage is answered when it completes, so no
 * listener thread waits on a chain. Nothing a request does can escape this class as an exception.
 */
public final class HttpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    static {
        // The JDK server waits for a request's body forever by default: a client that stops sending mid-body would
        // hold a listener thread for good. Bound it (seconds); an operator may set the property otherwise.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        // Without TCP_NODELAY each small response waits on the client's delayed ACK (~40 ms per request with
        // keep-alive): the bench measured HTTP ingest at 16.8k events/s with Nagle and 45.6k/s without.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final String EVENTS_PREFIX = "/v1/pipelines/";
    private static final String EVENTS_SUFFIX = "/events";

    private final HttpServer server;
    private final ExecutorService executor;
    private final IngressRoutes routes;
    private final PrometheusMeterRegistry meters;
    private final Supplier<Readiness> readiness;
    private final LiveFeed liveFeed;
    private volatile AdminApi admin;
    private volatile AdminGuard guard;
    private volatile java.util.concurrent.ScheduledExecutorService timers;
    private volatile java.time.Duration requestTimeout = java.time.Duration.ofSeconds(10);
    private volatile java.util.function.Function<String, java.util.Optional<String>> pipelineState =
            name -> java.util.Optional.empty();
    private static final String STREAMS_PREFIX = "/v1/streams/";

    /** Whether the runtime is ready, and a JSON document describing each pipeline's state. */
    public record Readiness(boolean ready, String json) {
    }

    /**
     * Binds the listener; it serves once {@link #start()} is called.
     *
     * @throws IOException if the address cannot be bound
     */
    public HttpListener(String host, int port, IngressRoutes routes, PrometheusMeterRegistry meters,
                        Supplier<Readiness> readiness, LiveFeed liveFeed) throws IOException {
        this.liveFeed = liveFeed;
        this.routes = routes;
        this.meters = meters;
        this.readiness = readiness;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        AtomicInteger n = new AtomicInteger();
        // Threads mostly wait (on request bodies, on slow clients): many more than cores, so that a few stalled
        // clients cannot starve /healthz or other producers.
        int threads = Math.max(32, Runtime.getRuntime().availableProcessors() * 8);
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "jetconnect-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    /** Serves the admin API from now on. */
    public void admin(AdminApi api) {
        this.admin = api;
    }

    /** Checks every request with {@code guard} from now on (Host, and cross-site admin calls). */
    public void guard(AdminGuard guard) {
        this.guard = guard;
    }

    /** Tells ingest which pipelines exist and their states, so a paused or failed one answers 503, not 404. */
    public void pipelineStates(java.util.function.Function<String, java.util.Optional<String>> states) {
        this.pipelineState = states;
    }

    /** @return the bound address, with the real port when 0 was asked */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            AdminGuard checks = guard;
            if (checks != null) {
                AdminGuard.Decision decision = checks.check(method, path, guardedHeaders(exchange));
                if (!decision.allowed()) {
                    sendJson(exchange, decision.status(), error(decision.reason()));
                    return;
                }
            }
            if (path.startsWith(EVENTS_PREFIX) && path.endsWith(EVENTS_SUFFIX)
                    && path.length() > EVENTS_PREFIX.length() + EVENTS_SUFFIX.length()) {
                String pipeline = path.substring(EVENTS_PREFIX.length(), path.length() - EVENTS_SUFFIX.length());
                ingest(exchange, method, pipeline);
                return;
            }
            if (path.startsWith(STREAMS_PREFIX) && path.endsWith(EVENTS_SUFFIX)
                    && path.length() > STREAMS_PREFIX.length() + EVENTS_SUFFIX.length()) {
                if (liveFeed == null) {
                    sendJson(exchange, 404, error("the live feed is not enabled"));
                } else if (requireGet(exchange, method)) {
                    liveFeed.serve(exchange, path.substring(STREAMS_PREFIX.length(),
                            path.length() - EVENTS_SUFFIX.length()));
                }
                return;
            }
            AdminApi api = admin;
            if (api != null && api.handle(exchange, method, path)) {
                return;
            }
            switch (path) {
                case "/metrics" -> {
                    if (requireGet(exchange, method)) {
                        io.jetconnect.runtime.metrics.MetricsFormat m = io.jetconnect.runtime.metrics.MetricsFormat
                                .scrape(meters, exchange.getRequestHeaders().getFirst("Accept"));
                        send(exchange, 200, m.contentType(), Map.of("Vary", "Accept"), m.body());
                    }
                }
                case "/healthz" -> {
                    if (requireGet(exchange, method)) {
                        sendJson(exchange, 200, "{\"status\":\"ok\"}");
                    }
                }
                case "/readyz" -> {
                    if (requireGet(exchange, method)) {
                        Readiness r = readiness.get();
                        sendJson(exchange, r.ready() ? 200 : 503, r.json());
                    }
                }
                default -> sendJson(exchange, 404, error("no such path: " + JsonText.truncate(path, 200)));
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("HTTP request failed: {}", e.toString(), e);
            sendJson(exchange, 500, error("internal error"));
        }
    }

    /** The headers {@link AdminGuard} reads, names lower case (the JDK's map capitalises them). */
    private static Map<String, java.util.List<String>> guardedHeaders(HttpExchange exchange) {
        Map<String, java.util.List<String>> out = new java.util.HashMap<>(8);
        for (String name : GUARDED_HEADERS) {
            java.util.List<String> values = exchange.getRequestHeaders().get(name);
            if (values != null) {
                out.put(name, values);
            }
        }
        return out;
    }

    private static final java.util.List<String> GUARDED_HEADERS = java.util.List.of("host", "origin",
            "content-type", "sec-fetch-site", AdminGuard.REQUEST_HEADER);

    private boolean requireGet(HttpExchange exchange, String method) {
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        sendJson(exchange, 405, Map.of("Allow", "GET"), error("method " + method + " not allowed"));
        return false;
    }

    private void ingest(HttpExchange exchange, String method, String pipeline) {
        // The state first: it waits while the pipeline (re)starts, whose route is registered before it runs.
        java.util.Optional<String> state = pipelineState.apply(pipeline);
        IngressHandler handler = routes.handler(pipeline).orElse(null);
        if (handler == null && state.isPresent() && !state.get().equals("running")) {
            // A pipeline that exists but is paused, starting or failed: tell the producer to come back.
            sendJson(exchange, 503, Map.of("Retry-After", "1"), error("pipeline '" + pipeline + "' is "
                    + state.get() + "; try again later"));
            return;
        }
        if (handler == null) {
            sendJson(exchange, 404, error("unknown pipeline '" + JsonText.truncate(pipeline, 100)
                    + "' (or its source takes no HTTP events)"));
            return;
        }
        if (!method.equals("POST")) {
            sendJson(exchange, 405, Map.of("Allow", "POST"), error("method " + method + " not allowed"));
            return;
        }
        ExchangeRequest request = new ExchangeRequest(exchange);
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        // A client that stops sending its body would hold this thread: answer 408 and close under the reader.
        java.util.concurrent.ScheduledFuture<?> watchdog = timers == null ? null : timers.schedule(() -> {
            if (!request.bodyRead() && answered.compareAndSet(false, true)) {
                sendJson(exchange, 408, error("the request body did not arrive within "
                        + io.jetconnect.runtime.config.DurationText.of(requestTimeout)));
            }
        }, requestTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        CompletionStage<IngressResponse> stage;
        try {
            stage = handler.handle(request);
        } catch (RuntimeException | Error e) {
            if (answered.compareAndSet(false, true)) {
                LOG.error("pipeline {}: ingress handler threw: {}", pipeline, e.toString(), e);
                sendJson(exchange, 500, error("internal error"));
            }
            return;
        }
        stage.whenComplete((response, error) -> {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (error != null || response == null) {
                LOG.error("pipeline {}: ingress handler failed: {}", pipeline, String.valueOf(error), error);
                sendJson(exchange, 500, error("internal error"));
            } else {
                send(exchange, response.status(), response.contentType(), response.headers(), response.body());
            }
        });
    }

    /** Answers 408 to ingest requests whose body has not fully arrived after {@code timeout}. */
    public void requestTimeout(java.util.concurrent.ScheduledExecutorService timers, java.time.Duration timeout) {
        this.timers = timers;
        this.requestTimeout = timeout;
    }

    /** Answers with a JSON error, for the live feed. */
    static void sendError(HttpExchange exchange, int status, String message) {
        sendJson(exchange, status, error(message));
    }

    private static String error(String message) {
        return "{\"error\":" + JsonText.quote(message) + "}";
    }

    private static void sendJson(HttpExchange exchange, int status, String json) {
        sendJson(exchange, status, Map.of(), json);
    }

    private static void sendJson(HttpExchange exchange, int status, Map<String, String> headers, String json) {
        send(exchange, status, "application/json", headers, json.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange exchange, int status, String contentType, Map<String, String> headers,
                     byte[] body) {
        try (exchange) {
            // A body left unread is drained by the server up to a limit, or the connection is closed: either way
            // an oversized request is not read to its end here.
            exchange.getResponseHeaders().set("Content-Type", contentType);
            headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("client went away before the response: {}", e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
