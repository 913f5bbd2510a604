package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentReaderTest {

    private final RecordCodec codec = new RecordCodec();

    @TempDir
    Path dir;

    private String idOf(SegmentReader.Item item) {
        return codec.decode(item.version(), item.buffer(), item.payloadOffset(), item.payloadLength()).getId();
    }

    private SegmentReader reader(Path file) throws IOException {
        return new SegmentReader(file, codec, true);
    }

    private SegmentReader legacyReader(Path file) throws IOException {
        return new SegmentReader(file, codec, false);
    }

    /** @return {@code s.log} in the test's directory, holding {@code parts} one after the other */
    private Path segment(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        return Files.write(dir.resolve("s.log"), out.toByteArray());
    }

    @Test
    void resyncsPastGarbageAndReportsATornTail() throws IOException {
        byte[] r0 = codec.encode(TestEvents.event(0));
        byte[] r1 = codec.encode(TestEvents.event(1));
        byte[] r2 = codec.encode(TestEvents.event(2));
        byte[] garbage = {RecordCodec.MAGIC, 0, 0, 0, 9, '{', 1, 2};
        Path file = segment(r0, garbage, r1, Arrays.copyOf(r2, r2.length - 1));
        long size = Files.size(file);

        try (SegmentReader reader = reader(file)) {
            SegmentReader.Item first = reader.next(size);
            assertFalse(first.corrupt());
            assertEquals("e-0", idOf(first));

            SegmentReader.Item junk = reader.next(size);
            assertTrue(junk.corrupt());
            assertEquals(r0.length, junk.offset());
            assertEquals(r0.length + garbage.length, junk.end());

            SegmentReader.Item second = reader.next(size);
            assertEquals("e-1", idOf(second));

            SegmentReader.Item torn = reader.next(size);
            assertTrue(torn.corrupt());
            assertEquals(size, torn.end());
            assertTrue(torn.problem().contains("cut short"), torn.problem());

            assertNull(reader.next(size));
        }
    }

    @Test
    void readsOnlyUpToTheLimit() throws IOException {
        byte[] r0 = codec.encode(TestEvents.event(0));
        byte[] r1 = codec.encode(TestEvents.event(1));
        Path file = segment(r0, r1);

        try (SegmentReader reader = reader(file)) {
            assertEquals("e-0", idOf(reader.next(r0.length)));
            assertNull(reader.next(r0.length));
            assertEquals("e-1", idOf(reader.next(r0.length + r1.length)));
        }
    }

    @Test
    void readsRecordsLargerThanItsBuffer() throws IOException {
        byte[] big = codec.encode(TestEvents.event(0, 600_000));
        Path file = Files.write(dir.resolve("s.log"), big);

        try (SegmentReader reader = reader(file)) {
            SegmentReader.Item item = reader.next(big.length);
            assertFalse(item.corrupt());
            assertEquals(big.length, item.end());
        }
    }

    @Test
    void readsRecordsOfBothLegacyVersionsInOneLegacySegment() throws IOException {
        byte[] old = VersionOneRecords.bytes();
        byte[] current = TestEvents.versionTwoRecord(TestEvents.event(7));
        Path file = segment(old, current);
        long size = Files.size(file);

        try (SegmentReader reader = legacyReader(file)) {
            for (var event : VersionOneRecords.events()) {
                SegmentReader.Item item = reader.next(size);
                assertEquals(RecordCodec.VERSION_1, item.version());
                assertEquals(event.getId(), idOf(item));
            }
            SegmentReader.Item last = reader.next(size);
            assertEquals(RecordCodec.VERSION_2, last.version());
            assertEquals("e-7", idOf(last));
            assertNull(reader.next(size));
        }
    }

    @Test
    void aLegacySegmentResyncsToRecordsOfEitherVersionAfterGarbage() throws IOException {
        byte[] garbage = {RecordCodec.VERSION_2, 0, 0, 0, 3, CompactPayload.SPEC_V1, 1, 2, RecordCodec.VERSION_1, 7};
        byte[] versionOne = VersionOneRecords.bytes();
        Path file = segment(garbage,
                Arrays.copyOf(versionOne, RecordCodec.LEGACY_HEADER_BYTES + RecordCodec.getInt(versionOne, 1)),
                garbage,
                TestEvents.versionTwoRecord(TestEvents.event(8)));
        long size = Files.size(file);

        try (SegmentReader reader = legacyReader(file)) {
            assertTrue(reader.next(size).corrupt());
            assertEquals("v1-0", idOf(reader.next(size)));
            assertTrue(reader.next(size).corrupt());
            assertEquals("e-8", idOf(reader.next(size)));
            assertNull(reader.next(size));
        }
    }

    @Test
    void anAuthenticatedSegmentReadsNoLegacyRecords() throws IOException {
        byte[] legacy = TestEvents.versionTwoRecord(TestEvents.event(1));
        byte[] current = codec.encode(TestEvents.event(2));
        Path file = segment(legacy, current);
        long size = Files.size(file);

        try (SegmentReader reader = reader(file)) {
            SegmentReader.Item junk = reader.next(size);
            assertTrue(junk.corrupt());
            assertEquals(legacy.length, junk.end());
            assertEquals("e-2", idOf(reader.next(size)));
            assertNull(reader.next(size));
        }
    }

    @Test
    void aFailedPayloadTagLosesOnlyItsRecordAndIsNotSearchedForRecords() throws IOException {
        byte[] inner = codec.encode(TestEvents.event(5));
        byte[] outer = codec.encode(io.cloudevents.core.builder.CloudEventBuilder.v1(TestEvents.event(1))
                .withData(inner).build());
        int length = outer.length - RecordCodec.HEADER_BYTES;
        outer[outer.length - 1] ^= 0x01;
        Path file = segment(outer, codec.encode(TestEvents.event(2)));
        long size = Files.size(file);

        try (SegmentReader reader = reader(file)) {
            SegmentReader.Item damaged = reader.next(size);
            assertTrue(damaged.corrupt());
            assertEquals(RecordCodec.HEADER_BYTES + length, damaged.end(), "the whole declared length, nothing inside");
            assertEquals("payload tag mismatch", damaged.problem());
            assertEquals("e-2", idOf(reader.next(size)));
            assertNull(reader.next(size));
        }
    }
}
