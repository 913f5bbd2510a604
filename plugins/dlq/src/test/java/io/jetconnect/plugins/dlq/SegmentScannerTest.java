package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.DlqSinkTest.FAST;
import static io.jetconnect.plugins.dlq.DlqSinkTest.assertMetric;
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
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery at startup, through the whole layer: damage is quarantined, intact records are drained. */
class SegmentScannerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<DlqSink> open = new ArrayList<>();
    private TestContexts contexts;

    @AfterEach
    void closeLayers() {
        open.forEach(DlqSink::halt);
    }

    private DlqSink layer(FakeSink inner) {
        contexts = TestContexts.of("dlq").config(FAST).dataDir(dir);
        DlqSink layer = DlqDecorator.open(contexts.sink(), inner, FileOps.REAL);
        open.add(layer);
        return layer;
    }

    /** Spills events 0..count-1 into one segment and closes the layer; returns the segment. */
    private Path spill(int count) {
        DlqSink layer = layer(new FakeSink(FakeSink.Mode.RETRY));
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

    /** @return the offset of record {@code i} in a segment holding events 0, 1, ... */
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
        DlqSink layer = layer(inner);
        assertMetric(contexts, "jetconnect_dlq_events{pipeline=\"test\"} " + (double) intact.size());
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
        assertMetric(contexts, "jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
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
        layer(new FakeSink(FakeSink.Mode.RETRY)).halt();
        assertMetric(contexts, "jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
        assertRecovers(List.of(id(0), id(1), id(3), id(4)));

        assertQuarantined(segment, offset(2), damaged);
        assertMetric(contexts, "jetconnect_dlq_quarantined_total{pipeline=\"test\"} 0.0");
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
}
