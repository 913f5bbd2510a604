package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris against the built runtime: 40 clients sending one header line every 2 s and 200 sending their body a
 * byte every 2 s, while a probe asks {@code /healthz} and posts an event every 100 ms; each probe must be answered
 * within 1 s. Then the limits must have done their work: the slow-header clients closed at {@code header-timeout},
 * the slow-body ones answered 408 at {@code request-timeout}.
 */
@ExtendWith(NatsServerExtension.class)
class SlowClientsIT {

    private static final int SLOW_HEADERS = 40;
    private static final int SLOW_BODIES = 200;

    @TempDir
    Path work;

    @Test
    void slowHeadersAndSlowBodiesNeitherStallHealthNorIngest(NatsServer nats) throws Exception {
        int port = NatsServer.freePort();
        String config = IngestEndToEndIT.config(nats.url(), port, "SLOW_CLIENTS", "slow")
                .replace("http { host = 127.0.0.1, port = " + port + " }",
                        "http { host = 127.0.0.1, port = " + port + ", header-timeout = 10s, request-timeout = 10s }");
        Path file = Files.writeString(work.resolve("pipeline.conf"), config);
        ScheduledExecutorService attack = Executors.newScheduledThreadPool(4);
        List<Socket> sockets = new ArrayList<>();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, file, port, Map.of())) {
            long opened = System.nanoTime();
            for (int i = 0; i < SLOW_HEADERS; i++) {
                Socket s = open(port);
                sockets.add(s);
                write(s, "POST /v1/pipelines/ingest/events HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                AtomicInteger line = new AtomicInteger();
                attack.scheduleAtFixedRate(() -> write(s, "X-Slow-" + line.incrementAndGet() + ": 1\r\n"),
                        2, 2, TimeUnit.SECONDS);
            }
            List<Socket> bodies = new ArrayList<>();
            for (int i = 0; i < SLOW_BODIES; i++) {
                Socket s = open(port);
                bodies.add(s);
                write(s, "POST /v1/pipelines/ingest/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/cloudevents+json\r\nContent-Length: 1000\r\n\r\n{");
                attack.scheduleAtFixedRate(() -> write(s, " "), 2, 2, TimeUnit.SECONDS);
            }
            sockets.addAll(bodies);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ConcurrentLinkedQueue<String> slow = new ConcurrentLinkedQueue<>();
            AtomicInteger probes = new AtomicInteger();
            ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor();
            probe.scheduleWithFixedDelay(() -> {
                int n = probes.incrementAndGet();
                timed("GET /healthz", slow, () -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + port + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()), 200);
                timed("POST event", slow, () -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + port + "/v1/pipelines/ingest/events")).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"specversion\":\"1.0\",\"id\":\"probe-" + n
                                + "\",\"source\":\"/probe\",\"type\":\"t\",\"data\":{\"tenantId\":\"acme\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString()), 202);
            }, 0, 100, TimeUnit.MILLISECONDS);
            // Probe while every slow client is still within its limits.
            await().atMost(Duration.ofSeconds(20)).until(() -> probes.get() >= 30);
            probe.shutdownNow();
            assertTrue(System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(10),
                    "the probes ran while every slow client was still within its 10 s");
            assertTrue(slow.isEmpty(), "probes over 1 s or failed: " + slow);

            // The limits: every slow-header client closed, every slow-body client answered 408.
            await().atMost(Duration.ofSeconds(30)).until(() -> sockets.subList(0, SLOW_HEADERS).stream()
                    .allMatch(SlowClientsIT::closedByServer));
            for (Socket s : bodies) {
                s.setSoTimeout(30_000);
                String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 408", answer);
            }
            assertTrue(runtime.get("/healthz").statusCode() == 200);
            assertEquals(0, runtime.terminate(), runtime.output());
        } finally {
            attack.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    private static void timed(String what, ConcurrentLinkedQueue<String> slow, Call call, int status) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = call.send();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (response.statusCode() != status || ms >= 1000) {
                slow.add(what + ": " + response.statusCode() + " in " + ms + " ms " + response.body());
            }
        } catch (Exception e) {
            slow.add(what + ": " + e);
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    private static void write(Socket s, String text) {
        try {
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException closed) {
            // The server closed it: what the test waits for.
        }
    }

    /** @return whether the server closed the connection (end of stream or reset), without waiting long */
    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(50);
            InputStream in = s.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
