package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.failureOf;
import static io.jetconnect.plugins.jetstream.Streams.readAll;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A sink opened while its nats-server is not running: {@code open()} returns, emits are refused retriably (so a
 * dlq in front would spill them), and once the server starts the stream is provisioned and events are published.
 */
class StartDuringOutageIT {

    @Test
    void opensWithoutTheBrokerAndPublishesOnceItStarts() throws Exception {
        try (NatsServer server = NatsServer.spawn()) {
            server.kill(); // the port and the store stay; nothing listens
            TestContexts contexts = TestContexts.of("jetstream")
                    .config("stream = late, subject = \"late.{tenantId}.v1\", ack-timeout = 2s")
                    .nats(server.url())
                    .stream(TestContexts.fileStream("late", "LATE", "late.>"));
            JetStreamSink sink = Streams.open(contexts); // before the fix: RetriableException out of open()
            try {
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    Throwable refused = failureOf(sink.emit(event("before-" + i, "acme", i)).toCompletableFuture());
                    assertInstanceOf(RetriableException.class, refused, "refused retriably while NATS is down");
                    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500),
                            "an emit never waits for NATS");
                }

                server.restart();
                List<String> published = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    String id = "after-" + published.size();
                    if (failureOf(sink.emit(event(id, "acme", 0)).toCompletableFuture()) == null) {
                        published.add(id);
                    }
                    return published.size() >= 3;
                });
                List<String> stored = readAll(server.url(), "LATE").stream().map(Streams.Stored::eventId).toList();
                assertEquals(published, stored, "the stream was provisioned and holds what was acknowledged");
            } finally {
                sink.close();
            }
        }
    }

    @Test
    void closingWhileWaitingStopsTheBackgroundAttempts() throws Exception {
        try (NatsServer server = NatsServer.spawn()) {
            server.kill();
            TestContexts contexts = TestContexts.of("jetstream")
                    .config("stream = gone, subject = \"gone.{tenantId}.v1\", ack-timeout = 2s")
                    .nats(server.url())
                    .stream(TestContexts.fileStream("gone", "GONE", "gone.>"));
            JetStreamSink sink = Streams.open(contexts);
            sink.close();
            server.restart();
            try (Connection nc = Streams.connect(server.url())) {
                // Give a leaked attempt loop (start-retry.max = 1s) time to create the stream, then look.
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                JetStreamApiException e = assertThrows(JetStreamApiException.class,
                        () -> nc.jetStreamManagement().getStreamInfo("GONE"));
                assertEquals(10059, e.getApiErrorCode(), "a closed sink provisions nothing");
            }
        }
    }

    @Test
    void refusedCredentialsFailAtOnceInsteadOfWaiting() {
        try (NatsServer server = NatsServer.spawn("--user", "jc", "--pass", "right-password")) {
            TestContexts contexts = TestContexts.of("jetstream")
                    .config("stream = auth, subject = \"auth.{tenantId}.v1\", ack-timeout = 2s")
                    .nats(server.url().replace("nats://", "nats://jc:wrong-password@"))
                    .stream(TestContexts.fileStream("auth", "AUTH", "auth.>"));
            io.jetconnect.spi.JetconnectException refused = assertThrows(io.jetconnect.spi.JetconnectException.class,
                    () -> Streams.open(contexts));
            assertTrue(!(refused instanceof RetriableException), "needs a person, not a wait: " + refused);
            assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("wrong-password"), "no secret in the message");
        }
    }
}
