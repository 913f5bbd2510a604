package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's HTTP listener, on Vert.x: ingest routed to the pipelines' sources, the admin API, the live feed,
 * {@code /metrics}, {@code /healthz} and {@code /readyz}; with {@code jetconnect.admin} set, a second listener takes
 * everything but ingest. The event loop only parses, routes and writes; whatever may block (an ingress handler,
 * the admin API, a scrape) runs on worker threads. Nothing a request does can escape this class as an exception.
 */
public final class HttpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ADMIN_MAX_BODY = 64 * 1024;

    private static final String EVENTS_PREFIX = "/v1/pipelines/";
    private static final String EVENTS_SUFFIX = "/events";
    private static final String STREAMS_PREFIX = "/v1/streams/";

    /** What a listener serves. */
    enum Role { ALL, INGEST, ADMIN }

    private final Vertx vertx;
    private final HealthRoutes health;
    private final LiveFeed liveFeed;
    private final IngestRoute ingest;
    private final TlsFiles tls;
    /** How long {@link #close()} lets requests already read finish once the listener stops accepting. */
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(2);

    private final HttpServer main;
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final HttpServer adminServer;
    private volatile AdminApi admin;
    private volatile boolean started;

    /** Whether the runtime is ready, and a JSON document describing each pipeline's state. */
    public record Readiness(boolean ready, String json) {
    }

    /**
     * Binds with the default limits, no TLS and no admin listener.
     *
     * @throws IOException if the address cannot be bound
     */
    public HttpListener(String host, int port, IngressRoutes routes, PrometheusMeterRegistry meters,
                        Supplier<Readiness> readiness, LiveFeed liveFeed) throws IOException {
        this(host, port, HttpSettings.defaults(), routes, meters, readiness, liveFeed);
    }

    /**
     * Binds the listener (and the admin listener, when configured); it serves once {@link #start()} is called.
     *
     * @throws IOException if an address cannot be bound or the TLS files cannot be used
     */
    public HttpListener(String host, int port, HttpSettings settings, IngressRoutes routes,
                        PrometheusMeterRegistry meters, Supplier<Readiness> readiness, LiveFeed liveFeed)
            throws IOException {
        this.health = new HealthRoutes(meters, readiness);
        this.liveFeed = liveFeed;
        // No file cache: Vert.x would otherwise create a .vertx folder in the working directory.
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        this.ingest = new IngestRoute(vertx, routes, settings.requestTimeout());
        try {
            this.tls = settings.tls().map(TlsFiles::new).orElse(null);
            if (tls != null) {
                LOG.info("TLS on the listener with the {} engine", TlsFiles.engine());
            }
            Role mainRole = settings.admin().isPresent() ? Role.INGEST : Role.ALL;
            this.main = bind(host, port, settings, mainRole);
            this.adminServer = settings.admin().isPresent()
                    ? bind(settings.admin().get().host(), settings.admin().get().port(), settings, Role.ADMIN) : null;
        } catch (IOException | RuntimeException e) {
            vertx.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private HttpServer bind(String host, int port, HttpSettings settings, Role role) throws IOException {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                .setTcpNoDelay(true)
                .setMaxHeaderSize(settings.maxHeaderSize())
                .setHandle100ContinueAutomatically(true)
                .setIdleTimeout(0)
                // HTTP/1.1 only: the connection limits and the body guard are per HTTP/1 connection.
                .setHttp2ClearTextEnabled(false)
                .setUseAlpn(false);
        if (tls != null) {
            options.setSsl(true);
            tls.apply(options);
        }
        ConnectionGuard guard = new ConnectionGuard(vertx, settings);
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(guard::opened)
                .requestHandler(request -> handle(request, role, guard));
        try {
            return server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            // Netty's native transport reports a taken port as its own IOException, not a BindException: the
            // runtime names the key to change for a BindException, so say it as one.
            if (cause instanceof java.net.BindException || message.contains("Address already in use")) {
                java.net.BindException taken = new java.net.BindException("Address already in use");
                taken.initCause(cause);
                throw taken;
            }
            throw new IOException(message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + host + ":" + port);
        } catch (TimeoutException e) {
            throw new IOException("binding " + host + ":" + port + " took over 30s");
        }
    }

    public void start() {
        started = true;
    }

    /** Serves the admin API from now on. */
    public void admin(AdminApi api) {
        this.admin = api;
    }

    /** Tells ingest which pipelines exist and their states, so a paused or failed one answers 503, not 404. */
    public void pipelineStates(Function<String, Optional<String>> states) {
        ingest.pipelineStates(states);
    }

    /** Tells ingest the largest body each pipeline takes (by name), so that a body is collected only up to that. */
    public void bodyLimits(Map<String, Long> limits) {
        Map<String, Long> copy = Map.copyOf(limits);
        ingest.bodyLimits(name -> Optional.ofNullable(copy.get(name)));
    }

    /** @return the bound address, with the real port when 0 was asked */
    public InetSocketAddress address() {
        return new InetSocketAddress(main.actualPort());
    }

    /** @return the admin listener's port, if there is one */
    public Optional<Integer> adminPort() {
        return adminServer == null ? Optional.empty() : Optional.of(adminServer.actualPort());
    }

    /** Answers 408 to ingest requests whose body has not fully arrived after {@code timeout}. */
    public void requestTimeout(java.util.concurrent.ScheduledExecutorService timers, java.time.Duration timeout) {
        ingest.requestTimeout(timeout);
        adminBodyTimeout = timeout;
    }

    /**
     * Reads the TLS files again and serves new connections with them; connections already open keep theirs.
     *
     * @return what happened, for the log; empty without TLS
     * @throws IOException if the files cannot be read or do not hold a certificate and its key
     */
    public Optional<String> reloadTls() throws IOException {
        if (tls == null) {
            return Optional.empty();
        }
        tls.reload(main);
        if (adminServer != null) {
            tls.reload(adminServer);
        }
        return Optional.of("certificates re-read from " + tls.describe());
    }

    /**
     * Sets the checks every request passes before it is routed ({@link AdminGuard}: Host, and for calls that
     * change state, Origin and content type); set again on reload.
     */
    public void guard(AdminGuard guard) {
        this.adminGuard = guard;
    }

    /** The headers {@link AdminGuard} reads, names lower case. */
    private static Map<String, java.util.List<String>> guardedHeaders(HttpServerRequest request) {
        Map<String, java.util.List<String>> out = new java.util.HashMap<>(8);
        for (String name : GUARDED_HEADERS) {
            java.util.List<String> values = request.headers().getAll(name);
            if (!values.isEmpty()) {
                out.put(name, values);
            }
        }
        return out;
    }

    private static final java.util.List<String> GUARDED_HEADERS = java.util.List.of("host", "origin",
            "content-type", "sec-fetch-site", "upgrade", AdminGuard.REQUEST_HEADER);

    private volatile AdminGuard adminGuard;
    /** How long a non-ingest request's body may take to arrive ({@code http.request-timeout}). */
    private volatile java.time.Duration adminBodyTimeout = java.time.Duration.ofSeconds(10);

    private void handle(HttpServerRequest request, Role role, ConnectionGuard guard) {
        guard.requestStarted(request);
        Context context = Vertx.currentContext();
        String path;
        try {
            path = new URI(request.path()).getPath();
        } catch (URISyntaxException | NullPointerException e) {
            Exchange bad = new Exchange(request, context, String.valueOf(request.path()));
            bad.afterAnswer(() -> guard.requestDone(request.connection()));
            sendError(bad, 400, "invalid request path");
            return;
        }
        Exchange exchange = new Exchange(request, context, path);
        exchange.afterAnswer(() -> guard.requestDone(request.connection()));
        if (draining) {
            exchange.closeAfterAnswer();
        }
        try {
            if (!started) {
                sendJson(exchange, 503, Map.of("Retry-After", "1"), error("starting; try again later"));
                return;
            }
            String method = request.method().name();
            AdminGuard checks = adminGuard;
            if (checks != null) {
                AdminGuard.Decision decision = checks.check(method, path, guardedHeaders(request));
                if (!decision.allowed()) {
                    sendError(exchange, decision.status(), decision.reason());
                    return;
                }
            }
            if (role != Role.ADMIN && path.startsWith(EVENTS_PREFIX) && path.endsWith(EVENTS_SUFFIX)
                    && path.length() > EVENTS_PREFIX.length() + EVENTS_SUFFIX.length()) {
                String pipeline = path.substring(EVENTS_PREFIX.length(), path.length() - EVENTS_SUFFIX.length());
                ingest.handle(exchange, method, pipeline, guard.state(request));
                return;
            }
            if (path.equals("/healthz")) {
                health.healthz(exchange, method);
                return;
            }
            if (role == Role.INGEST) {
                if (path.equals("/readyz")) {
                    blocking(exchange, () -> health.readyz(exchange, method));
                    return;
                }
                sendError(exchange, 404, "no such path: " + JsonText.truncate(path, 200)
                        + " (the admin API, /metrics and the live feed are on the admin listener)");
                return;
            }
            if (path.startsWith(STREAMS_PREFIX) && path.endsWith(EVENTS_SUFFIX)
                    && path.length() > STREAMS_PREFIX.length() + EVENTS_SUFFIX.length()) {
                String stream = path.substring(STREAMS_PREFIX.length(), path.length() - EVENTS_SUFFIX.length());
                if (liveFeed == null) {
                    sendError(exchange, 404, "the live feed is not enabled");
                } else if (request.canUpgradeToWebSocket()) {
                    liveFeed.serveWebSocket(exchange, stream);
                } else if (requireGet(exchange, method)) {
                    liveFeed.serve(exchange, stream);
                }
                return;
            }
            collect(exchange, () -> blocking(exchange, () -> adminOrOther(exchange, method, path)));
        } catch (RuntimeException | Error e) {
            LOG.error("HTTP request failed: {}", e.toString(), e);
            sendError(exchange, 500, "internal error");
        }
    }

    /** Collects a small body (the admin API's), then runs {@code next}; a larger one is refused with 413. */
    private void collect(Exchange exchange, Runnable next) {
        HttpServerRequest request = exchange.request();
        Buffer body = Buffer.buffer();
        boolean[] over = new boolean[1];
        // The header timer stops once the head has arrived: without a deadline of its own, a body that never comes
        // would hold the connection (and a slot of max-connections) for ever.
        long deadline = vertx.setTimer(Math.max(1, adminBodyTimeout.toMillis()), id -> {
            if (!over[0]) {
                over[0] = true;
                request.pause();
                exchange.closeAfterAnswer();
                sendError(exchange, 408, "the request body did not arrive within " + adminBodyTimeout.toMillis()
                        + "ms");
            }
        });
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > ADMIN_MAX_BODY) {
                over[0] = true;
                request.pause();
                exchange.closeAfterAnswer();
                sendError(exchange, 413, "body too large");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            exchange.closeAfterAnswer();
            sendError(exchange, 400, "could not read the request body");
        });
        request.endHandler(ignored -> {
            vertx.cancelTimer(deadline);
            if (!over[0]) {
                over[0] = true;
                exchange.body(body);
                next.run();
            }
        });
    }

    private void blocking(Exchange exchange, ThrowingRunnable work) {
        vertx.executeBlocking(() -> {
            try {
                work.run();
            } catch (IOException | RuntimeException | Error e) {
                LOG.error("HTTP request failed: {}", e.toString(), e);
                sendError(exchange, 500, "internal error");
            }
            return null;
        }, false);
    }

    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    private void adminOrOther(Exchange exchange, String method, String path) throws IOException {
        AdminApi api = admin;
        if (api != null && api.handle(exchange, method, path)) {
            return;
        }
        switch (path) {
            case "/metrics" -> health.metrics(exchange, method);
            case "/readyz" -> health.readyz(exchange, method);
            default -> sendError(exchange, 404, "no such path: " + JsonText.truncate(path, 200));
        }
    }

    static boolean requireGet(Exchange exchange, String method) {
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        sendJson(exchange, 405, Map.of("Allow", "GET"), error("method " + method + " not allowed"));
        return false;
    }

    /** Answers with a JSON error. */
    static void sendError(Exchange exchange, int status, String message) {
        sendJson(exchange, status, Map.of(), error(message));
    }

    /** Answers with a JSON error and further headers. */
    static void sendError(Exchange exchange, int status, Map<String, String> headers, String message) {
        sendJson(exchange, status, headers, error(message));
    }

    /** @return {@code {"error": message}} */
    static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    static void sendJson(Exchange exchange, int status, Map<String, String> headers, String json) {
        send(exchange, status, "application/json", headers, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void send(Exchange exchange, int status, String contentType, Map<String, String> headers, byte[] body) {
        exchange.send(status, contentType, headers, body);
    }

    /**
     * The runtime is stopping: every answer from now on closes its connection, so that a client (or a load balancer)
     * opens its next request elsewhere instead of sending it on a kept-alive connection that {@link #close()} is
     * about to cut. Requests are still answered (202 while their pipeline runs, 503 once it stopped).
     */
    public void drain() {
        draining = true;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Stop accepting, and give requests already read a moment to be answered before the connections go.
        for (HttpServer server : adminServer == null ? java.util.List.of(main) : java.util.List.of(main, adminServer)) {
            try {
                server.shutdown(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS).toCompletionStage()
                        .toCompletableFuture().get(SHUTDOWN_GRACE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("the listener did not shut down gracefully: {}", e.toString());
            }
        }
        ingest.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("the listener did not close cleanly: {}", e.toString());
        }
    }
}
