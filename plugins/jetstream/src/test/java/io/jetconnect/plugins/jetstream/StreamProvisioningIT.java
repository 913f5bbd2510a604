package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class StreamProvisioningIT {

    private static StreamSpec spec(String name, String subject, Duration maxAge, Duration floor) {
        return spec(name, subject, maxAge, floor, true);
    }

    private static StreamSpec spec(String name, String subject, Duration maxAge, Duration floor, boolean fails) {
        return StreamSpec.builder(name).key(name.toLowerCase()).subjects(List.of(subject)).maxAge(maxAge)
                .retentionFloor(floor).declared(true).retentionFloorFails(fails).build();
    }

    private static StreamConfiguration existing(NatsServer server, String name) throws Exception {
        try (Connection nc = Streams.connect(server.url())) {
            return nc.jetStreamManagement().getStreamInfo(name).getConfiguration();
        }
    }

    private static void create(NatsServer server, String name, String subject, Duration maxAge) throws Exception {
        try (Connection nc = Streams.connect(server.url())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subject)
                    .storageType(StorageType.File).maxAge(maxAge).build());
        }
    }

    @Test
    void createsADeclaredStreamWithItsSettings(NatsServer server) throws Exception {
        StreamSpec spec = StreamSpec.builder("MADE").key("made").subjects(List.of("made.>")).storage("memory")
                .maxAge(Duration.ofHours(1)).duplicateWindow(Duration.ofSeconds(30)).maxMessages(1000)
                .maxBytes(1024 * 1024).declared(true).build();
        JetStreamSink sink = Streams.open(TestContexts.of("jetstream")
                .config("stream = made, subject = \"made.{tenantId}\"").nats(server.url()).stream(spec));
        sink.emit(event("m-1", "acme", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.close();

        StreamConfiguration config = existing(server, "MADE");
        assertEquals(List.of("made.>"), config.getSubjects());
        assertEquals(StorageType.Memory, config.getStorageType());
        assertEquals(Duration.ofHours(1), config.getMaxAge());
        assertEquals(Duration.ofSeconds(30), config.getDuplicateWindow());
        assertEquals(1, config.getReplicas());
        assertEquals(1000, config.getMaxMsgs());
        assertEquals(1024 * 1024, config.getMaxBytes());
        assertEquals(1, Streams.count(server.url(), "MADE"));
    }

    @Test
    void neverChangesAnExistingStream(NatsServer server) throws Exception {
        create(server, "KEPT", "kept.>", Duration.ofHours(2));
        JetStreamSink sink = Streams.open(TestContexts.of("jetstream")
                .config("stream = kept, subject = \"kept.{tenantId}\"").nats(server.url())
                .stream(spec("KEPT", "kept.>", Duration.ofHours(1), Duration.ZERO)));
        sink.close();
        StreamConfiguration config = existing(server, "KEPT");
        assertEquals(Duration.ofHours(2), config.getMaxAge(), "the declaration does not overwrite the stream");
    }

    @Test
    void anExistingStreamKeptShorterThanItsFloorFailsOpen(NatsServer server) throws Exception {
        create(server, "SHORT", "short.>", Duration.ofHours(1));
        int open = io.jetconnect.nats.SharedConnections.jvm().openConnections();
        JetStreamSink sink = new JetStreamSink();
        JetconnectException e = assertThrows(JetconnectException.class, () -> sink.open(TestContexts
                .of("jetstream").config("stream = short, subject = \"short.{tenantId}\"").nats(server.url())
                .stream(spec("SHORT", "short.>", Duration.ofDays(90), Duration.ofDays(90))).sink()));
        assertFalse(e instanceof ConfigurationException, "the configuration is fine; the stream is not");
        assertTrue(e.getMessage().contains("SHORT") && e.getMessage().contains("retention-floor"),
                e.getMessage());
        assertEquals(Duration.ofHours(1), existing(server, "SHORT").getMaxAge(), "and it is left as it is");
        assertEquals(open, io.jetconnect.nats.SharedConnections.jvm().openConnections(),
                "a sink that fails to open gives its share of the connection back");
    }

    @Test
    void theWarnPolicyOpensAnyway(NatsServer server) throws Exception {
        create(server, "WARNED", "warned.>", Duration.ofHours(1));
        JetStreamSink sink = Streams.open(TestContexts.of("jetstream")
                .config("stream = warned, subject = \"warned.{tenantId}\"")
                .nats(server.url())
                .stream(spec("WARNED", "warned.>", Duration.ofDays(90), Duration.ofDays(90), false)));
        sink.emit(event("w-1", "acme", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.close();
        assertEquals(1, Streams.count(server.url(), "WARNED"));
    }

    @Test
    void unlimitedMaxAgeIsAboveAnyFloor(NatsServer server) throws Exception {
        create(server, "FOREVER", "forever.>", Duration.ZERO);
        JetStreamSink sink = Streams.open(TestContexts.of("jetstream")
                .config("stream = forever, subject = \"forever.{tenantId}\"").nats(server.url())
                .stream(spec("FOREVER", "forever.>", Duration.ZERO, Duration.ofDays(90))));
        sink.close();
        assertEquals(Duration.ZERO, existing(server, "FOREVER").getMaxAge());
    }

    @Test
    void anUndeclaredStreamIsUsedButNeverCreated(NatsServer server) throws Exception {
        JetStreamSink missing = new JetStreamSink();
        JetconnectException e = assertThrows(JetconnectException.class, () -> missing.open(TestContexts
                .of("jetstream").config("stream = NOPE, subject = \"nope.{tenantId}\"").nats(server.url()).sink()));
        assertTrue(e.getMessage().contains("NOPE"), e.getMessage());

        create(server, "BYNAME", "byname.>", Duration.ZERO);
        JetStreamSink sink = Streams.open(TestContexts.of("jetstream")
                .config("stream = BYNAME, subject = \"byname.{tenantId}\"").nats(server.url()));
        sink.emit(event("n-1", "acme", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.close();
        assertEquals(1, Streams.count(server.url(), "BYNAME"));
    }

    @Test
    void aSubjectTheStreamDoesNotCaptureIsAConfigurationError(NatsServer server) {
        JetStreamSink sink = new JetStreamSink();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> sink.open(TestContexts
                .of("jetstream").config("stream = elsewhere, subject = \"other.{tenantId}.v1\"").nats(server.url())
                .stream(spec("ELSEWHERE", "elsewhere.>", Duration.ZERO, Duration.ZERO)).sink()));
        assertTrue(e.getMessage().contains("sinks[0].subject"), e.getMessage());
        assertTrue(e.getMessage().contains("ELSEWHERE"), e.getMessage());
    }
}
