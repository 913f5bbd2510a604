package io.jetconnect.runtime.http;

import io.jetconnect.runtime.config.DurationText;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/pipelines/{pipeline}/events}: collects the body on the event loop (up to the pipeline's size
 * limit, so that a slow sender holds no thread), then hands the request to the pipeline's {@link IngressHandler} on
 * a worker of a bounded pool; when the pool's queue is full the answer is 503 with {@code Retry-After}. The answer
 * is written when the handler's stage completes. A body that has not arrived whole within {@code request-timeout}
 * is answered 408 and its connection closed.
 */
final class IngestRoute implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoute.class);
    /** The http source's default max-request-bytes, for pipelines whose source declares no limit. */
    private static final long DEFAULT_BODY_LIMIT = 4L * 1024 * 1024;
    private static final int QUEUE = 1024;

    private final Vertx vertx;
    private final IngressRoutes routes;
    private final ThreadPoolExecutor workers;
    private volatile Duration requestTimeout;
    private volatile Function<String, Optional<String>> pipelineState = name -> Optional.empty();
    private volatile Function<String, Optional<Long>> bodyLimit = name -> Optional.empty();

    IngestRoute(Vertx vertx, IngressRoutes routes, Duration requestTimeout) {
        this.vertx = vertx;
        this.routes = routes;
        this.requestTimeout = requestTimeout;
        AtomicInteger n = new AtomicInteger();
        // Handlers parse a body that is already here and emit without waiting, so few threads keep up; more than
        // cores because a pipeline's state lookup waits while it restarts.
        int threads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "jetconnect-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    void requestTimeout(Duration timeout) {
        this.requestTimeout = timeout;
    }

    void pipelineStates(Function<String, Optional<String>> states) {
        this.pipelineState = states;
    }

    /** Bytes of request bodies held by all connections together, released as each request is answered. */
    private final java.util.concurrent.atomic.AtomicLong buffered = new java.util.concurrent.atomic.AtomicLong();
    /** A quarter of the heap: room for bodies under load without letting them take the heap. */
    private final long bufferBudget = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);

    void bodyLimits(Function<String, Optional<Long>> limits) {
        this.bodyLimit = limits;
    }

    /** On the event loop. */
    void handle(Exchange exchange, String method, String pipeline, ConnectionGuard.State connection) {
        HttpServerRequest request = exchange.request();
        IngestBody body = new IngestBody(request, exchange.context());
        VertxIngressRequest ingress = new VertxIngressRequest(request, exchange.path(), body);
        long limit = limit(pipeline);
        AtomicBoolean dispatched = new AtomicBoolean();
        Runnable dispatch = () -> {
            if (dispatched.compareAndSet(false, true)) {
                body.streaming();
                submit(exchange, method, pipeline, ingress);
            }
        };
        Duration timeout = requestTimeout;
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (!body.ended()) {
                exchange.closeAfterAnswer();
                HttpListener.sendError(exchange, 408, "the request body did not arrive within "
                        + DurationText.of(timeout));
                body.fail(new IOException("the request body did not arrive in time"));
            }
        });
        // What this request holds of the budget; -1 once answered (released, and no longer counted).
        java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
        exchange.afterAnswer(() -> {
            long bytes = held.getAndSet(-1);
            if (bytes > 0) {
                buffered.addAndGet(-bytes);
            }
        });
        request.handler(chunk -> {
            // Bodies are held until complete, and before the handler can check credentials: a budget shared by
            // every connection keeps many large bodies, from anyone who can connect, from exhausting the heap.
            int n = chunk.length();
            long total = held.getAndUpdate(h -> h < 0 ? h : h + n) < 0 ? 0 : buffered.addAndGet(n);
            if (total > bufferBudget && !dispatched.get()) {
                vertx.cancelTimer(timer);
                request.pause();
                exchange.closeAfterAnswer();
                HttpListener.sendError(exchange, 503, Map.of("Retry-After", "1"),
                        "the listener holds too many request bodies; try again later");
                body.fail(new IOException("refused: the listener's body budget is spent"));
                dispatched.set(true);
                return;
            }
            body.add(chunk);
            if (body.received() > limit) {
                dispatch.run();
            }
        });
        request.endHandler(ignored -> {
            vertx.cancelTimer(timer);
            if (connection != null && connection.bodyFailure != null) {
                // The decoder gave up on this body (see ConnectionGuard): the handler reads up to the failure.
                exchange.closeAfterAnswer();
                body.fail(new IOException("the request body is malformed: " + connection.bodyFailure.getMessage()));
            } else {
                body.end();
            }
            dispatch.run();
        });
        request.exceptionHandler(failure -> {
            vertx.cancelTimer(timer);
            exchange.closeAfterAnswer();
            body.fail(new IOException("the request body could not be read: " + failure.getMessage(), failure));
            dispatch.run();
        });
        if (ingress.contentLength() > limit) {
            // Refused on its declared length by a handler that checks it: no need to wait for any of it.
            dispatch.run();
        }
    }

    private long limit(String pipeline) {
        try {
            return bodyLimit.apply(pipeline).orElse(DEFAULT_BODY_LIMIT);
        } catch (RuntimeException e) {
            return DEFAULT_BODY_LIMIT;
        }
    }

    private void submit(Exchange exchange, String method, String pipeline, VertxIngressRequest request) {
        try {
            workers.execute(() -> route(exchange, method, pipeline, request));
        } catch (RejectedExecutionException busy) {
            exchange.closeAfterAnswer();
            HttpListener.sendError(exchange, 503, Map.of("Retry-After", "1"),
                    "the listener is busy; try again later");
        }
    }

    /** On a worker: the same decisions, in the same order, as ever. */
    private void route(Exchange exchange, String method, String pipeline, VertxIngressRequest request) {
        // The state first: it waits while the pipeline (re)starts, whose route is registered before it runs.
        Optional<String> state = pipelineState.apply(pipeline);
        IngressHandler handler = routes.handler(pipeline).orElse(null);
        if (handler == null && state.isPresent() && !state.get().equals("running")) {
            HttpListener.sendError(exchange, 503, Map.of("Retry-After", "1"), "pipeline '" + pipeline + "' is "
                    + state.get() + "; try again later");
            return;
        }
        if (handler == null) {
            HttpListener.sendError(exchange, 404, "unknown pipeline '" + JsonText.truncate(pipeline, 100)
                    + "' (or its source takes no HTTP events)");
            return;
        }
        if (!method.equals("POST")) {
            HttpListener.sendError(exchange, 405, Map.of("Allow", "POST"), "method " + method + " not allowed");
            return;
        }
        CompletionStage<IngressResponse> stage;
        try {
            stage = handler.handle(request);
        } catch (RuntimeException | Error e) {
            LOG.error("pipeline {}: ingress handler threw: {}", pipeline, e.toString(), e);
            HttpListener.sendError(exchange, 500, "internal error");
            return;
        }
        if (stage == null) {
            LOG.error("pipeline {}: ingress handler returned no stage", pipeline);
            HttpListener.sendError(exchange, 500, "internal error");
            return;
        }
        stage.whenComplete((response, error) -> {
            if (exchange.answered()) {
                return;
            }
            if (error != null || response == null) {
                LOG.error("pipeline {}: ingress handler failed: {}", pipeline, String.valueOf(error), error);
                HttpListener.sendError(exchange, 500, "internal error");
            } else {
                HttpListener.send(exchange, response.status(), response.contentType(), response.headers(),
                        response.body());
            }
        });
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
