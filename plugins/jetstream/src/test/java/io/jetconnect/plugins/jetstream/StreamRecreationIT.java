package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.failureOf;
import static io.jetconnect.plugins.jetstream.Streams.readAll;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A declared stream deleted under a running sink is created again, and the events emitted after are stored. */
class StreamRecreationIT {

    @Test
    void aDeletedStreamIsCreatedAgainAndEventsGoOn() throws Exception {
        try (NatsServer server = NatsServer.spawn()) {
            TestContexts contexts = TestContexts.of("jetstream")
                    .config("stream = wiped, subject = \"wiped.{tenantId}.v1\", ack-timeout = 2s, "
                            + "backoff { initial = 100ms, max = 500ms }")
                    .nats(server.url())
                    .stream(TestContexts.fileStream("wiped", "WIPED", "wiped.>"));
            JetStreamSink sink = Streams.open(contexts);
            try {
                assertNull(failureOf(sink.emit(event("first", "acme", 0)).toCompletableFuture()));
                try (Connection nc = Streams.connect(server.url())) {
                    nc.jetStreamManagement().deleteStream("WIPED");
                }
                // Keep emitting, as a dlq's drain would after each refusal; before the fix none is ever stored.
                List<String> acknowledged = new ArrayList<>();
                int[] n = {0};
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    String id = "after-" + n[0]++;
                    if (failureOf(sink.emit(event(id, "acme", n[0])).toCompletableFuture()) == null) {
                        acknowledged.add(id);
                    }
                    return acknowledged.size() >= 3;
                });
                List<String> stored = readAll(server.url(), "WIPED").stream().map(Streams.Stored::eventId).toList();
                assertEquals(acknowledged, stored.stream().filter(acknowledged::contains).toList());
                assertEquals(List.of(), stored.stream().filter(id -> !id.startsWith("after-")).toList(),
                        "a new stream, without what the deleted one held");
            } finally {
                sink.close();
            }
        }
    }
}
