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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    /**
     * Seeded schedules on one thread: posts and the target's answers (2xx, 400, 503, 500, connection refused) in a
     * random interleaving, with a small {@code max-queued} and sometimes a close. Requests must go out one at a time
     * in post order, nothing queued behind a retriable failure may be sent, and every stage must complete with the
     * outcome the rules give it.
     */
    @Test
    void randomSchedulesSendInPostOrderOneAtATimeWithTheRightOutcomes() {
        for (long seed = 1; seed <= 2000; seed++) {
            runSchedule(seed);
        }
    }

    private static void runSchedule(long seed) {
        Random random = new Random(seed);
        String where = "seed " + seed;
        int events = 1 + random.nextInt(30);
        int maxQueued = random.nextInt(5);
        int closeAt = random.nextInt(4) == 0 ? random.nextInt(2 * events) : -1;
        ScriptedHttpClient client = new ScriptedHttpClient();
        WebhookSettings settings = new WebhookSettings(URI.create("http://127.0.0.1:9/hook"),
                WebhookSettings.Mode.BINARY, Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(), maxQueued,
                Duration.ofSeconds(2));
        OrderedPoster poster = new OrderedPoster(settings, client, new NoMetrics());

        List<CompletableFuture<Void>> stages = new ArrayList<>();
        // The expected outcome of each event: null = delivered, else a class and a part of the message.
        Map<String, Object[]> expected = new HashMap<>();
        List<String> expectedSent = new ArrayList<>();
        // The model: posted events not finished with, the head being the one sent.
        List<String> queue = new ArrayList<>();
        boolean closed = false;
        int posted = 0;
        for (int step = 0; posted < events || client.outstanding() != null; step++) {
            if (step == closeAt && !closed) {
                poster.close();
                closed = true;
                for (String waiting : queue.subList(Math.min(1, queue.size()), queue.size())) {
                    expected.put(waiting, new Object[] {RetriableException.class, "closed before sending"});
                }
                queue.subList(Math.min(1, queue.size()), queue.size()).clear();
            } else if (posted < events && (client.outstanding() == null || random.nextBoolean())) {
                String id = "e-" + posted++;
                CompletableFuture<Void> stage = poster.post(EnrichmentTest.event(id));
                stages.add(stage);
                if (closed) {
                    expected.put(id, new Object[] {RetriableException.class, "the webhook sink is closed"});
                    assertTrue(stage.isCompletedExceptionally(), where);
                } else if (queue.size() == maxQueued + 1) {
                    expected.put(id, new Object[] {BackpressureException.class, "events waiting"});
                    assertTrue(stage.isCompletedExceptionally(), where);
                } else {
                    queue.add(id);
                    if (queue.size() == 1) {
                        expectedSent.add(id);
                    }
                }
            } else if (client.outstanding() != null) {
                String head = queue.remove(0);
                assertEquals(head, client.outstanding(), where + ": the request sent");
                int answer = random.nextInt(10);
                boolean retriable = answer >= 6;
                switch (answer) {
                    case 0, 1, 2, 3 -> {
                        expected.put(head, null);
                        client.answer(204);
                    }
                    case 4, 5 -> {
                        expected.put(head, new Object[] {JetconnectException.class, "answered 400"});
                        client.answer(400);
                    }
                    case 6 -> {
                        expected.put(head, new Object[] {BackpressureException.class, "answered 503"});
                        client.answer(503);
                    }
                    case 7 -> {
                        expected.put(head, new Object[] {RetriableException.class, "answered 500"});
                        client.answer(500);
                    }
                    default -> {
                        expected.put(head, new Object[] {RetriableException.class, "could not be reached"});
                        client.refuse();
                    }
                }
                if (retriable) {
                    for (String behind : queue) {
                        expected.put(behind, new Object[] {RetriableException.class, "an event before it failed"});
                    }
                    queue.clear();
                }
                if (!queue.isEmpty() && !closed) {
                    expectedSent.add(queue.get(0));
                }
            }
        }
        assertEquals(List.of(), client.overlapping, where + ": sent while another request was unanswered");
        assertEquals(expectedSent, client.sent, where + ": the requests sent, in order");
        for (int i = 0; i < stages.size(); i++) {
            String id = "e-" + i;
            CompletableFuture<Void> stage = stages.get(i);
            assertTrue(stage.isDone(), where + ": " + id + " never completed");
            Object[] outcome = expected.get(id);
            if (outcome == null) {
                assertNull(stage.join(), where + ": " + id);
                continue;
            }
            CompletionException e = assertThrows(CompletionException.class, stage::join, where + ": " + id);
            assertEquals(outcome[0], e.getCause().getClass(), where + ": " + id + " " + e.getCause());
            assertTrue(e.getCause().getMessage().contains((String) outcome[1]),
                    where + ": " + id + " failed with " + e.getCause() + ", not " + outcome[1]);
        }
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
