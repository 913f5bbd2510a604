package com.example.jetconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The webhook's delivery against a real HTTP server on the loopback interface. */
@Timeout(30)
class OrderedPosterTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** Starts a target that records each request's ce-id and answers with {@code status}. */
    private URI target(IntSupplier status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestHeaders().getFirst("ce-id"));
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static OrderedPoster poster(URI url, int maxQueued) {
        WebhookSettings settings = new WebhookSettings(url, WebhookSettings.Mode.BINARY, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Map.of("Authorization", "Bearer t0ken"), maxQueued, Duration.ofSeconds(2));
        return new OrderedPoster(settings, HttpClient.newHttpClient(), new NoMetrics());
    }

    private static Throwable failureOf(CompletableFuture<Void> stage) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> stage.get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void deliversEveryEventInTheOrderPosted() throws Exception {
        OrderedPoster poster = poster(target(() -> 204), 1000);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add("e-" + i);
            stages.add(poster.post(EnrichmentTest.event("e-" + i)));
        }
        for (CompletableFuture<Void> stage : stages) {
            assertNull(stage.get(20, TimeUnit.SECONDS));
        }
        assertEquals(ids, received);
        assertTrue(authorizations.stream().allMatch("Bearer t0ken"::equals), authorizations.toString());
    }

    @Test
    void a503IsBackpressureAndTheEventsBehindItDoNotOvertakeIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OrderedPoster poster = poster(target(() -> {
            try {
                // Hold the first answer until the test has queued events behind it.
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 503;
        }), 1000);
        CompletableFuture<Void> first = poster.post(EnrichmentTest.event("first"));
        CompletableFuture<Void> second = poster.post(EnrichmentTest.event("second"));
        CompletableFuture<Void> third = poster.post(EnrichmentTest.event("third"));
        release.countDown();
        BackpressureException busy = assertInstanceOf(BackpressureException.class, failureOf(first));
        assertEquals(Duration.ofSeconds(2), busy.retryAfter());
        assertInstanceOf(RetriableException.class, failureOf(second));
        assertInstanceOf(RetriableException.class, failureOf(third));
        assertEquals(List.of("first"), received, "nothing behind a retriable failure is sent");
    }

    @Test
    void a400IsPermanentAndTheNextEventIsStillSent() throws Exception {
        OrderedPoster poster = poster(target(() -> received.size() == 1 ? 400 : 202), 1000);
        Throwable refused = failureOf(poster.post(EnrichmentTest.event("bad")));
        assertInstanceOf(JetconnectException.class, refused);
        assertTrue(!(refused instanceof RetriableException), refused.toString());
        assertNull(poster.post(EnrichmentTest.event("good")).get(20, TimeUnit.SECONDS));
        assertEquals(List.of("bad", "good"), received);
    }

    @Test
    void anUnreachableTargetIsRetriable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        OrderedPoster poster = poster(URI.create("http://127.0.0.1:" + closedPort + "/hook"), 1000);
        assertInstanceOf(RetriableException.class, failureOf(poster.post(EnrichmentTest.event("lost"))));
    }

    @Test
    void aFullQueueIsBackpressure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OrderedPoster poster = poster(target(() -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        }), 1);
        CompletableFuture<Void> sending = poster.post(EnrichmentTest.event("a"));
        CompletableFuture<Void> queued = poster.post(EnrichmentTest.event("b"));
        assertInstanceOf(BackpressureException.class, failureOf(poster.post(EnrichmentTest.event("c"))));
        release.countDown();
        assertNull(sending.get(20, TimeUnit.SECONDS));
        assertNull(queued.get(20, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b"), received);
    }

    /** Metrics that record nothing. */
    private static final class NoMetrics implements PluginMetrics {
        @Override
        public Counter counter(String name, String description, String... tags) {
            return new Counter() {
                @Override
                public void increment() {
                }

                @Override
                public void increment(double amount) {
                }
            };
        }

        @Override
        public void gauge(String name, String description, java.util.function.Supplier<? extends Number> value,
                          String... tags) {
        }

        @Override
        public Timer timer(String name, String description, String... tags) {
            return nanos -> {
            };
        }
    }
}
