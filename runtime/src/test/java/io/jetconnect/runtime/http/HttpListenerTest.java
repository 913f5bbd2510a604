package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.spi.IngressResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP against the listener on a free port. */
class HttpListenerTest {

    private final IngressRoutes routes = new IngressRoutes();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final HttpClient client = HttpClient.newHttpClient();
    private final java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor();
    private HttpListener listener;

    @BeforeEach
    void start() throws IOException {
        listener = new HttpListener("127.0.0.1", 0, routes, meters,
                () -> new HttpListener.Readiness(ready.get(), "{\"pipelines\":{}}"), null);
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.close();
        timers.shutdownNow();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listener.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void register(String pipeline, io.jetconnect.spi.IngressHandler handler) throws Exception {
        Method m = IngressRoutes.class.getDeclaredMethod("register", String.class,
                io.jetconnect.spi.IngressHandler.class);
        m.setAccessible(true);
        m.invoke(routes, pipeline, handler);
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertEquals(200, send("GET", "/healthz", null).statusCode());
        assertEquals(200, send("GET", "/readyz", null).statusCode());
        ready.set(false);
        HttpResponse<String> notReady = send("GET", "/readyz", null);
        assertEquals(503, notReady.statusCode());
        assertEquals("{\"pipelines\":{}}", notReady.body());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        meters.counter("jetconnect.test.things").increment();
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jetconnect_test_things_total 1.0"), metrics.body());
    }

    @Test
    void anUnknownPipelineIs404WithAJsonError() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/pipelines/nope/events", "{}");
        assertEquals(404, response.statusCode());
        assertTrue(response.body().startsWith("{\"error\":\"unknown pipeline 'nope'"), response.body());
    }

    @Test
    void routesToTheHandlerAndAnswersWhenItsStageCompletes() throws Exception {
        CompletableFuture<IngressResponse> later = new CompletableFuture<>();
        register("p", request -> later);
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.address().getPort()
                        + "/v1/pipelines/p/events")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        later.complete(IngressResponse.json(202, "{\"accepted\":1}").withHeader("X-Test", "yes"));
        assertEquals(202, response.get().statusCode());
        assertEquals("{\"accepted\":1}", response.get().body());
        assertEquals("yes", response.get().headers().firstValue("X-Test").orElse(""));
    }

    @Test
    void aHandlerThatThrowsGives500AndTheListenerKeepsServing() throws Exception {
        register("p", request -> {
            throw new IllegalStateException("secret detail");
        });
        HttpResponse<String> response = send("POST", "/v1/pipelines/p/events", "{}");
        assertEquals(500, response.statusCode());
        assertEquals("{\"error\":\"internal error\"}", response.body());
        assertEquals(200, send("GET", "/healthz", null).statusCode());
    }

    /**
     * Stopping: once drained every answer closes its connection (a raw socket sees {@code Connection: close} and then
     * the end of the stream), and a request already read when the listener closes is still answered.
     */
    @Test
    void aDrainingListenerClosesConnectionsAfterAnsweringAndAnswersWhatItReadBeforeClosing() throws Exception {
        CompletableFuture<IngressResponse> later = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        register("p", request -> {
            arrived.countDown();
            return later;
        });
        register("q", request -> CompletableFuture.completedFuture(IngressResponse.json(202, "{}")));
        String keptAlive = rawExchange("q");
        assertTrue(!keptAlive.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), keptAlive);
        listener.drain();
        String drained = rawExchange("q");
        assertTrue(drained.startsWith("HTTP/1.1 202"), drained);
        assertTrue(drained.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), drained);

        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return send("POST", "/v1/pipelines/p/events", "{}");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertTrue(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(listener::close);
        // Answer only once the listener takes no new connection: the close is under way.
        int port = listener.address().getPort();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return false;
            } catch (IOException refused) {
                return true;
            }
        });
        later.complete(IngressResponse.json(202, "{\"accepted\":1}"));
        assertEquals(202, inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** One request on a raw socket; the whole of what the server sent until it closed or 2 s passed. */
    private String rawExchange(String pipeline) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", listener.address().getPort())) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(("POST /v1/pipelines/" + pipeline + "/events HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException keptOpen) {
                // a kept-alive connection: the server did not close it
            }
            return got.toString(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    @Test
    void wrongMethodsAre405() throws Exception {
        register("p", request -> CompletableFuture.completedFuture(IngressResponse.json(202, "{}")));
        assertEquals(405, send("GET", "/v1/pipelines/p/events", null).statusCode());
        assertEquals(405, send("POST", "/metrics", "x").statusCode());
    }

    @Test
    void aBodyReadToItsContentLengthIsNotAnswered408WhileItsEventsAreOnTheirWay() throws Exception {
        listener.requestTimeout(timers, java.time.Duration.ofMillis(200));
        register("p", request -> {
            try {
                // As the http source reads: exactly Content-Length bytes, never to end of stream.
                byte[] body = new byte[(int) request.contentLength()];
                int read = request.body().readNBytes(body, 0, body.length);
                CompletableFuture<IngressResponse> done = new CompletableFuture<>();
                // The chain answers after the request timeout has passed.
                timers.schedule(() -> done.complete(IngressResponse.json(200, "{\"read\":" + read + "}")),
                        600, java.util.concurrent.TimeUnit.MILLISECONDS);
                return done;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        HttpResponse<String> response = send("POST", "/v1/pipelines/p/events", "{\"a\":1}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"read\":7}", response.body());
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408NamingTheTimeoutAsWritten() throws Exception {
        listener.requestTimeout(timers, java.time.Duration.ofMillis(250));
        register("p", request -> {
            try {
                request.body().readNBytes((int) request.contentLength());
                return CompletableFuture.completedFuture(IngressResponse.json(202, "{}"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", listener.address().getPort())) {
            socket.setSoTimeout(10_000);
            // Declares 100 bytes, sends 5, then neither sends nor closes.
            socket.getOutputStream().write(("POST /v1/pipelines/p/events HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder answer = new StringBuilder();
            java.io.InputStream in = socket.getInputStream();
            int b;
            while (answer.indexOf("\"}") < 0 && (b = in.read()) >= 0) {
                answer.append((char) b);
            }
            assertTrue(answer.toString().startsWith("HTTP/1.1 408"), answer.toString());
            assertTrue(answer.toString().contains(
                    "{\"error\":\"the request body did not arrive within 250ms\"}"), answer.toString());
        }
    }
}
