package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.failureOf;
import static io.jetconnect.plugins.jetstream.Streams.readAll;
import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.SampleEvents;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class JetStreamSinkIT {

    private static TestContexts contexts(NatsServer server, String stream, String prefix, String extra) {
        return TestContexts.of("jetstream")
                .config("stream = " + stream.toLowerCase() + ", subject = \"" + prefix + ".{tenantId}.v1\"" + extra)
                .nats(server.url())
                .stream(TestContexts.fileStream(stream.toLowerCase(), stream, prefix + ".>"));
    }

    @Test
    void publishesEveryEventPipelinedAndInOrderPerTenant(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "ORDERED", "o", "");
        JetStreamSink sink = Streams.open(contexts);
        String[] tenants = {"acme", "globex", "initech"};
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            stages.add(sink.emit(event("e-" + i, tenants[i % 3], i)).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
        sink.close();

        List<Streams.Stored> stored = readAll(server.url(), "ORDERED");
        assertEquals(600, stored.size());
        Map<String, Integer> lastPerSubject = new HashMap<>();
        JsonFormat format = new JsonFormat();
        for (Streams.Stored m : stored) {
            CloudEvent back = format.deserialize(m.data());
            int n = Integer.parseInt(back.getId().substring(2));
            assertEquals("o." + tenants[n % 3] + ".v1", m.subject(), "the tenant's subject");
            assertEquals(MessageId.digest(back.getSource().toString(), back.getId()), m.msgId(),
                    "Nats-Msg-Id is the digest of source and id");
            assertEquals("application/cloudevents+json", m.headers().getFirst("content-type"));
            Integer last = lastPerSubject.put(m.subject(), n);
            assertTrue(last == null || last < n, "per-subject emit order: " + last + " then " + n);
        }
        assertEquals(3, lastPerSubject.size());
        assertEquals(600.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "published",
                "sink", "jetstream", "pipeline", "test"));
        assertEquals(600.0, sample(contexts, "jetconnect_sink_publish_seconds_count", "sink", "jetstream"));
        Streams.assertConnected(contexts);
        assertEquals(0.0, sample(contexts, "jetconnect_sink_backoff_seconds", "sink", "jetstream"));
    }

    @Test
    void aRepublishedIdIsStoredOnceAndCountsAsDuplicate(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "DEDUP", "d", "");
        JetStreamSink sink = Streams.open(contexts);
        CloudEvent event = event("same-id", "acme", 1);
        assertNull(failureOf(sink.emit(event).toCompletableFuture()));
        assertNull(failureOf(sink.emit(event).toCompletableFuture()), "a duplicate is a success");
        sink.close();

        assertEquals(1, Streams.count(server.url(), "DEDUP"));
        assertEquals(1.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "published"));
        assertEquals(1.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "duplicate"));
    }

    @Test
    void anInvalidTenantIsRejectedAndNeverStored(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "REJECT", "r", "");
        JetStreamSink sink = Streams.open(contexts);
        for (String tenant : new String[] {"a.b", "", "x y", "*", ">", "tab\\tbed", "nul\\u0000"}) {
            Throwable failure = failureOf(sink.emit(event("bad-" + tenant.hashCode(), tenant, 0))
                    .toCompletableFuture());
            assertInstanceOf(JetconnectException.class, failure, "tenant '" + tenant + "'");
            assertFalse(failure instanceof RetriableException, "permanent: " + failure);
        }
        // A good event after them still goes through, to its own subject only.
        assertNull(failureOf(sink.emit(event("good", "acme", 1)).toCompletableFuture()));
        sink.close();

        List<Streams.Stored> stored = readAll(server.url(), "REJECT");
        assertEquals(1, stored.size());
        assertEquals("r.acme.v1", stored.get(0).subject());
        assertEquals(7.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "rejected"));
    }

    @Test
    void eventsWithoutTenantGoToSingle(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "SINGLE", "s", "");
        JetStreamSink sink = Streams.open(contexts);
        assertNull(failureOf(sink.emit(event("no-tenant", null, 1)).toCompletableFuture()));
        CloudEvent text = CloudEventBuilder.v1().withId("text").withSource(URI.create("/t")).withType("t")
                .withData("text/plain", "tenantId=acme".getBytes(StandardCharsets.UTF_8)).build();
        assertNull(failureOf(sink.emit(text).toCompletableFuture()));
        sink.close();

        List<Streams.Stored> stored = readAll(server.url(), "SINGLE");
        assertEquals(List.of("s.single.v1", "s.single.v1"), stored.stream().map(Streams.Stored::subject).toList());
    }

    @Test
    void binaryModePutsAttributesInCeHeaders(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "BINARY", "b", ", mode = binary");
        JetStreamSink sink = Streams.open(contexts);
        CloudEvent event = CloudEventBuilder.v1(event("bin-1", "acme", 1))
                .withSubject("a subject")
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .build();
        assertNull(failureOf(sink.emit(event).toCompletableFuture()));
        sink.close();

        Streams.Stored m = readAll(server.url(), "BINARY").get(0);
        assertEquals("b.acme.v1", m.subject());
        assertEquals(MessageId.digest(SampleEvents.SOURCE_TEXT, "bin-1"), m.msgId());
        assertEquals("1.0", m.headers().getFirst("ce-specversion"));
        assertEquals("bin-1", m.headers().getFirst("ce-id"));
        assertEquals(SampleEvents.SOURCE_TEXT, m.headers().getFirst("ce-source"));
        assertEquals(SampleEvents.TYPE, m.headers().getFirst("ce-type"));
        assertEquals("a%20subject", m.headers().getFirst("ce-subject"));
        assertNull(m.headers().getFirst("ce-datacontenttype"), "datacontenttype is the content-type header only");
        assertEquals("application/json", m.headers().getFirst("content-type"));
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                m.headers().getFirst("ce-traceparent"));
        assertArrayEquals(event.getData().toBytes(), m.data(), "the data alone is the body");
    }

    /** @return an event of tenant acme whose data holds a string of {@code size} bytes */
    private static CloudEvent blob(String id, int size) {
        String data = "{\"tenantId\":\"acme\",\"blob\":\"" + "x".repeat(size) + "\"}";
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/t")).withType("t")
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The event fails for good with {@code why} in its message, and the sink takes the next one. */
    private static void assertRejectedForGood(JetStreamSink sink, CloudEvent event, String why) {
        Throwable failure = failureOf(sink.emit(event).toCompletableFuture());
        assertInstanceOf(JetconnectException.class, failure);
        assertFalse(failure instanceof RetriableException, "too large stays too large: " + failure);
        assertTrue(failure.getMessage().contains(why), failure.getMessage());
        assertNull(failureOf(sink.emit(event("small", "acme", 1)).toCompletableFuture()), "the sink goes on");
    }

    @Test
    void aMessageOverMaxPayloadIsRejectedForGood(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "BIG", "big", "");
        JetStreamSink sink = Streams.open(contexts);
        assertRejectedForGood(sink, blob("huge", 2 * 1024 * 1024), "max_payload");
        sink.close();
        assertEquals(1, Streams.count(server.url(), "BIG"));
    }

    /** A PubAck that is an error takes jnats' reading of it: a refusal for good, counted as rejected. */
    @Test
    void aMessageTheStreamRefusesIsRejectedForGood(NatsServer server) throws Exception {
        try (Connection nc = Streams.connect(server.url())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("SMALL").subjects("small.>")
                    .storageType(StorageType.File).maximumMessageSize(600).build());
        }
        TestContexts contexts = TestContexts.of("jetstream")
                .config("stream = SMALL, subject = \"small.{tenantId}.v1\"").nats(server.url());
        JetStreamSink sink = Streams.open(contexts);
        assertRejectedForGood(sink, blob("big", 1000), "error 10054");
        assertEquals(1.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "rejected"));
        sink.close();
        assertEquals(1, Streams.count(server.url(), "SMALL"));
    }

    /**
     * Nobody answers a publish once the stream is gone: the sink reconnects, creates the declared stream again and
     * stores the event within its bounded retry (it used to fail it with "503 No Responders" until a restart).
     */
    @Test
    void aStreamDeletedUnderTheSinkIsCreatedAgainWithinTheRetry(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "GONE", "gone", ", retry.attempts = 2");
        JetStreamSink sink = Streams.open(contexts);
        assertNull(failureOf(sink.emit(event("g-1", "acme", 1)).toCompletableFuture()));
        try (Connection nc = Streams.connect(server.url())) {
            nc.jetStreamManagement().deleteStream("GONE");
        }
        assertNull(failureOf(sink.emit(event("g-2", "acme", 2)).toCompletableFuture()));
        sink.close();
        assertEquals(List.of("g-2"), readAll(server.url(), "GONE").stream().map(Streams.Stored::eventId).toList());
    }

    @Test
    void closeWaitsForTheAcksOfEventsInFlight(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "CLOSING", "c", "");
        JetStreamSink sink = Streams.open(contexts);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            stages.add(sink.emit(event("c-" + i, "acme", i)).toCompletableFuture());
        }
        sink.close();
        for (CompletableFuture<Void> stage : stages) {
            assertTrue(stage.isDone(), "close returns only once every held event completed");
            assertNull(failureOf(stage));
        }
        assertEquals(2000, Streams.count(server.url(), "CLOSING"));
        Throwable after = failureOf(sink.emit(event("late", "acme", 0)).toCompletableFuture());
        assertInstanceOf(RetriableException.class, after, "a closed sink refuses events");
    }
}
