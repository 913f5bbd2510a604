package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.SampleEvents;
import io.jetconnect.testing.TestContexts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The stream deduplicates on source and id together by default, on the id alone with {@code message-id = id}. */
@ExtendWith(NatsServerExtension.class)
class MessageIdentityIT {

    private static CloudEvent event(String source, String id) {
        return SampleEvents.builder(id).withSource(URI.create(source))
                .withData("application/json", "{\"tenantId\":\"acme\"}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void emitAll(JetStreamSink sink, CloudEvent... events) {
        for (CloudEvent e : events) {
            try {
                sink.emit(e).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            } catch (CompletionException failure) {
                throw new AssertionError("not stored: " + e, failure.getCause());
            }
        }
    }

    private static List<String> sources(NatsServer server, String stream) throws Exception {
        return readAll(server.url(), stream).stream().map(m -> {
            java.util.regex.Matcher s = java.util.regex.Pattern.compile("\"source\":\"([^\"]*)\"").matcher(m.text());
            return s.find() ? s.group(1) + " " + m.eventId() : null;
        }).toList();
    }

    private static JetStreamSink open(NatsServer server, String stream, String extra) {
        return Streams.open(contexts(server, stream, extra));
    }

    private static TestContexts contexts(NatsServer server, String stream, String extra) {
        return TestContexts.of("jetstream")
                .config("stream = " + stream.toLowerCase() + ", subject = \"" + stream.toLowerCase()
                        + ".{tenantId}.v1\"" + extra)
                .nats(server.url())
                .stream(TestContexts.fileStream(stream.toLowerCase(), stream, stream.toLowerCase() + ".>"));
    }

    @Test
    void theSameIdFromTwoSourcesIsTwoEvents(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "IDENT", "");
        JetStreamSink sink = Streams.open(contexts);
        emitAll(sink, event("/shop-a", "order-1"), event("/shop-b", "order-1"), event("/shop-a", "order-1"));
        // What the admin API shows as sinkDuplicate, read through the SPI's status rather than a meter name.
        assertEquals(1L, contexts.status().get("duplicate"));
        assertEquals("closed", contexts.status().get("circuit"));
        sink.close();
        assertEquals(List.of("/shop-a order-1", "/shop-b order-1"), sources(server, "IDENT"),
                "both sources stored, the re-send of /shop-a deduplicated");
        assertEquals(MessageId.digest("/shop-a", "order-1"), readAll(server.url(), "IDENT").get(0).msgId());
    }

    @Test
    void theIdModeKeepsTheOldBehaviour(NatsServer server) throws Exception {
        JetStreamSink sink = open(server, "IDONLY", ", message-id = id");
        emitAll(sink, event("/shop-a", "order-1"), event("/shop-b", "order-1"));
        sink.close();
        assertEquals(List.of("/shop-a order-1"), sources(server, "IDONLY"), "deduplicated on the id alone");
        assertEquals("order-1", readAll(server.url(), "IDONLY").get(0).msgId());
    }

    /** A 100,000-character id was refused (its Nats-Msg-Id over the server's header limit); the digest fits. */
    @Test
    void aHugeIdIsStoredSinceItsKeyIs43Characters(NatsServer server) throws Exception {
        JetStreamSink sink = open(server, "HUGEID", "");
        String id = "x".repeat(100_000);
        emitAll(sink, event("/shop-a", id));
        sink.close();
        Streams.Stored stored = readAll(server.url(), "HUGEID").get(0);
        assertEquals(id, stored.eventId());
        assertEquals(MessageId.digest("/shop-a", id), stored.msgId());
    }

    @Test
    void anUnknownModeIsAConfigurationError() {
        Throwable e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> SinkSettings.from(TestContexts.of("jetstream")
                        .config("stream = s, subject = \"s.x\", message-id = uuid").connectorConfig()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("message-id"), e.getMessage());
    }
}
