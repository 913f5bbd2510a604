package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.event;
import static io.jetconnect.plugins.dlq.TestEvents.id;
import static io.jetconnect.plugins.dlq.TestEvents.ids;
import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Recovery at startup, through the whole layer: damage is quarantined, intact records are drained. */
class SegmentScannerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenLayers layers = new OpenLayers();

    /** Spills events 0..count-1 into one segment and closes the layer; returns the segment. */
    private Path spill(int count) {
        DlqSink layer = layers.open(dir, new FakeSink(FakeSink.Mode.RETRY));
        for (int i = 0; i < count; i++) {
            assertNull(outcome(layer.emit(event(i))));
        }
        layer.close();
        List<Path> segments = segments();
        assertEquals(1, segments.size());
        return segments.get(0);
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir.resolve("dlq"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @return the offset of record {@code i} in a segment holding events 0, 1, ... (lengths do not depend on keys) */
    private static long offset(int i) {
        RecordCodec codec = new RecordCodec();
        long offset = 0;
        for (int k = 0; k < i; k++) {
            offset += codec.encode(event(k)).length;
        }
        return offset;
    }

    private static int frame(int i) {
        return new RecordCodec().encode(event(i)).length;
    }

    /** Opens a layer on the damaged log: it must start, hold {@code intact} and drain exactly those, in order. */
    private void assertRecovers(List<String> intact) {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layers.open(dir, inner);
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} " + (double) intact.size());
        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> !layer.spilling());
        assertEquals(intact, inner.accepted());
        await().until(() -> segments().isEmpty());
    }

    private List<JsonNode> quarantineLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        Path file = dir.resolve("dlq").resolve(Quarantine.FILE);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(MAPPER.readTree(line));
            }
        }
        return lines;
    }

    /** Asserts one corrupt range was quarantined, with these bytes, at this offset. */
    private void assertQuarantined(Path segment, long offset, byte[] bytes) throws IOException {
        String name = segment.getFileName().toString();
        Path bin = dir.resolve("dlq/quarantine/corrupt-" + name + "-" + offset + ".bin");
        assertTrue(Files.exists(bin), bin + " exists");
        assertArrayEquals(bytes, Files.readAllBytes(bin));
        List<JsonNode> lines = quarantineLines();
        assertEquals(1, lines.size());
        JsonNode line = lines.get(0);
        assertEquals("corrupt", line.get("origin").asText());
        assertEquals(name, line.get("segment").asText());
        assertEquals(offset, line.get("offset").asLong());
        assertEquals(bytes.length, line.get("bytes").asLong());
        assertEquals("quarantine/" + bin.getFileName(), line.get("file").asText());
    }

    @Test
    void aRecordCutShortAtTheEndIsQuarantinedAndTheRestRecovered() throws IOException {
        Path segment = spill(5);
        byte[] original = Files.readAllBytes(segment);
        long cut = offset(4) + 20;
        Files.write(segment, Arrays.copyOf(original, (int) cut));

        assertRecovers(ids(0, 4));

        assertQuarantined(segment, offset(4), Arrays.copyOfRange(original, (int) offset(4), (int) cut));
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
    }

    @Test
    void aFlippedPayloadByteLosesOnlyThatRecord() throws IOException {
        Path segment = spill(5);
        byte[] bytes = Files.readAllBytes(segment);
        int at = (int) offset(2) + RecordCodec.HEADER_BYTES + 30;
        bytes[at] ^= 0x20;
        Files.write(segment, bytes);
        byte[] damaged = Arrays.copyOfRange(bytes, (int) offset(2), (int) offset(3));

        // A restart before the drain finds the same damage and does not quarantine it twice.
        layers.open(dir, new FakeSink(FakeSink.Mode.RETRY)).halt();
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
        assertRecovers(List.of(id(0), id(1), id(3), id(4)));

        assertQuarantined(segment, offset(2), damaged);
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 0.0");
    }

    @Test
    void aFlippedLengthByteIsResyncedPast() throws IOException {
        Path segment = spill(5);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) offset(2) + 4] ^= 0x01; // the length's lowest byte: off by one, a plausible length
        Files.write(segment, bytes);

        assertRecovers(List.of(id(0), id(1), id(3), id(4)));

        assertQuarantined(segment, offset(2), Arrays.copyOfRange(bytes, (int) offset(2), (int) offset(3)));
    }

    @Test
    void anImpossibleLengthIsResyncedPast() throws IOException {
        Path segment = spill(3);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) offset(1) + 1] = (byte) 0x7F;
        Files.write(segment, bytes);

        assertRecovers(List.of(id(0), id(2)));

        assertQuarantined(segment, offset(1), Arrays.copyOfRange(bytes, (int) offset(1), (int) offset(2)));
        assertEquals(frame(1), (int) (offset(2) - offset(1)));
    }

    @Test
    void anEmptySegmentIsDeleted() throws IOException {
        spill(2);
        Path empty = dir.resolve("dlq").resolve("segment-0000000000000000009-1700000000000.log");
        Files.createFile(empty);

        assertRecovers(ids(0, 2));

        assertFalse(Files.exists(empty));
        assertEquals(List.of(), quarantineLines());
    }

    @Test
    void aSegmentOfGarbageIsQuarantinedWhole() throws IOException {
        spill(2);
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        Path bad = dir.resolve("dlq").resolve("segment-0000000000000000009-1700000000000.log");
        Files.write(bad, garbage);

        assertRecovers(ids(0, 2));

        assertQuarantined(bad, 0, garbage);
    }

    @Test
    void aLogWrittenByThePreviousBuildDrainsFirstAndAsTheJsonFormatCarriesIt() throws IOException {
        Path dlq = Files.createDirectories(dir.resolve("dlq"));
        Files.write(dlq.resolve("segment-0000000000000000001-1700000000000.log"), VersionOneRecords.bytes());
        List<CloudEvent> old = VersionOneRecords.events();
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layers.open(dir, inner);
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} " + (double) old.size());

        // Spilled behind the old records, in the current version.
        assertNull(outcome(layer.emit(event(9))));
        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> !layer.spilling());

        List<String> expectedIds = new ArrayList<>(old.stream().map(CloudEvent::getId).toList());
        expectedIds.add(id(9));
        assertEquals(expectedIds, inner.accepted());
        for (int i = 0; i < old.size(); i++) {
            CloudEvent drained = inner.acceptedEvents().get(i);
            assertEquals(RecordCodecTest.sdkRoundTrip(old.get(i)), drained);
            if (old.get(i).getData() != null) {
                assertArrayEquals(old.get(i).getData().toBytes(), drained.getData().toBytes());
            }
        }
        assertEquals(3, inner.acceptedEvents().get(0).getExtension("attempt"));
        assertEquals("5000000000", inner.acceptedEvents().get(0).getExtension("big"));
        assertEquals(List.of(), quarantineLines());
        await().until(() -> segments().isEmpty());
    }

    @Test
    void anIntactRecordThatIsNotAnEventIsQuarantinedAndTheRestDrained() throws IOException {
        byte[] payload = {CompactPayload.SPEC_V1, 9, 'S', 0, (byte) 0xFE};
        byte[] bad = new byte[RecordCodec.LEGACY_HEADER_BYTES + payload.length];
        bad[0] = RecordCodec.VERSION_2;
        RecordCodec.putInt(bad, 1, payload.length);
        RecordCodec.putInt(bad, 5, RecordCodec.crc(payload, 0, payload.length));
        System.arraycopy(payload, 0, bad, RecordCodec.LEGACY_HEADER_BYTES, payload.length);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        log.write(TestEvents.versionTwoRecord(event(0)));
        log.write(bad);
        log.write(TestEvents.versionTwoRecord(event(1)));
        Path dlq = Files.createDirectories(dir.resolve("dlq"));
        Path segment = Files.write(dlq.resolve("segment-0000000000000000001-1700000000000.log"), log.toByteArray());

        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layers.open(dir, inner);
        // Its CRC matches, so recovery counts it; only decoding it in the drain tells it apart.
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} 3.0");
        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> !layer.spilling());
        assertEquals(ids(0, 2), inner.accepted());
        await().until(() -> segments().isEmpty());

        List<JsonNode> lines = quarantineLines();
        assertEquals(1, lines.size());
        JsonNode line = lines.get(0);
        assertEquals("corrupt", line.get("origin").asText());
        assertEquals(segment.getFileName().toString(), line.get("segment").asText());
        assertEquals(TestEvents.versionTwoRecord(event(0)).length, line.get("offset").asLong());
        assertEquals(2, line.get("record_version").asInt());
        assertArrayEquals(payload, java.util.Base64.getDecoder().decode(line.get("payload_base64").asText()));
        assertTrue(line.get("reason").asText().contains("unknown attribute code 9"), line.toString());
    }
}
