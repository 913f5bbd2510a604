package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record boundary cannot be forged by an event's data: an event whose data embeds a complete, checksummed record
 * of another event (another id, another tenant), torn by a crash right after the embedded bytes, must not come back
 * as that other event after a restart. The real event's torn record is quarantined as damage.
 */
class ForgedRecordTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenLayers layers = new OpenLayers();

    private static CloudEvent forged() {
        return CloudEventBuilder.v1().withId("forged-1").withSource(URI.create("/attacker")).withType("t")
                .withExtension("tenant", "victim").withData("{\"pay\":\"me\"}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** A record of the current format, authenticated with a key other than the data directory's. */
    private static byte[] recordUnderAnotherKey(CloudEvent event) {
        return new RecordCodec().encode(event);
    }

    private static CloudEvent carrier(byte[] data) {
        return CloudEventBuilder.v1().withId("real-1").withSource(URI.create("/client")).withType("t")
                .withExtension("tenant", "attacker").withDataContentType("application/octet-stream")
                .withData(data).build();
    }

    @Test
    void aChecksummedRecordInsideAnEventsDataIsNotReadAsARecordAfterATornTail() throws IOException {
        assertNotForged(TestEvents.versionTwoRecord(forged()));
    }

    @Test
    void aRecordUnderAnotherKeyInsideAnEventsDataIsNotReadAsARecordAfterATornTail() throws IOException {
        assertNotForged(recordUnderAnotherKey(forged()));
    }

    private void assertNotForged(byte[] embedded) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {1, 2, 3});
        data.write(embedded);
        data.write(new byte[64]);
        FakeSink down = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layers.open(dir, down);
        assertNull(outcome(layer.emit(carrier(data.toByteArray()))));
        layer.halt();

        // The crash tears the segment right after the embedded record.
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        int at = indexOf(bytes, embedded);
        assertTrue(at > 0, "the embedded record is in the segment");
        Files.write(segment, Arrays.copyOf(bytes, at + embedded.length));

        FakeSink inner = new FakeSink(FakeSink.Mode.ACCEPT);
        DlqSink restarted = layers.open(dir, inner);
        await().until(() -> !restarted.spilling());
        assertEquals(List.of(), inner.offered(), "nothing comes back as an event");
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
        JsonNode line = MAPPER.readTree(Files.readAllLines(dir.resolve("dlq").resolve(Quarantine.FILE)).get(0));
        assertEquals("corrupt", line.get("origin").asText());
        assertEquals(0, line.get("offset").asLong(), "the torn record is kept as damage from its start");
        assertEquals(at + embedded.length, line.get("bytes").asLong());

        // The real event, sent again, is not taken for a duplicate of anything.
        CloudEvent again = carrier(data.toByteArray());
        assertNull(outcome(restarted.emit(again)));
        assertEquals(List.of("real-1"), inner.accepted());
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("dlq"))) {
            List<Path> segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
            assertEquals(1, segments.size(), segments.toString());
            return segments.get(0);
        }
    }

    /** @return where {@code needle} first stands in {@code haystack}, or -1 (ISO-8859-1 maps each byte to a char) */
    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
