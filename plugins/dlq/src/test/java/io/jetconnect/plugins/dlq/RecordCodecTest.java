package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonCloudEventData;
import io.jetconnect.testing.SampleEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private final RecordCodec codec = new RecordCodec();

    private CloudEvent roundTrip(CloudEvent event) {
        byte[] frame = codec.encode(event);
        return codec.decode(frame[0], frame, RecordCodec.HEADER_BYTES, frame.length - RecordCodec.HEADER_BYTES);
    }

    @Test
    void framesWithMagicLengthAndTagsUnderTheKey() {
        byte[] frame = codec.encode(TestEvents.event(1));
        int length = frame.length - RecordCodec.HEADER_BYTES;

        assertEquals(RecordCodec.VERSION_3, frame[0]);
        assertEquals(length, RecordCodec.getInt(frame, 1));
        assertEquals(CompactPayload.SPEC_V1, frame[RecordCodec.HEADER_BYTES]);
        assertTrue(codec.headerAuthentic(frame, 0));
        assertTrue(codec.payloadAuthentic(frame, 0, length));
        RecordCodec otherKey = new RecordCodec();
        assertFalse(otherKey.headerAuthentic(frame, 0), "another key does not take the header");
        assertFalse(otherKey.payloadAuthentic(frame, 0, length), "nor the payload");
    }

    @Test
    void everyByteOfARecordIsCoveredByItsTags() {
        byte[] frame = codec.encode(TestEvents.event(1));
        int length = frame.length - RecordCodec.HEADER_BYTES;
        for (int i = 0; i < frame.length; i++) {
            byte[] flipped = frame.clone();
            flipped[i] ^= 0x01;
            assertFalse(codec.headerAuthentic(flipped, 0) && codec.payloadAuthentic(flipped, 0, length),
                    "a flipped byte " + i + " is noticed");
        }
    }

    @Test
    void jsonDataComesBackByteForByte() {
        byte[] data = "{ \"b\": 1.10,\n  \"a\": [1e3, \"x\"] }".getBytes(StandardCharsets.UTF_8);
        CloudEvent event = SampleEvents.builder("1")
                .withSubject("sub").withTime(OffsetDateTime.parse("2024-05-01T12:00:00.123+02:00"))
                .withDataSchema(URI.create("https://example.com/schema"))
                .withExtension("tenant", "acme").withExtension("attempt", 3).withExtension("urgent", true)
                .withDataContentType("application/json").withData(data).build();

        CloudEvent back = roundTrip(event);

        assertArrayEquals(data, back.getData().toBytes());
        assertEquals(event, back);
    }

    @Test
    void jsonTreeDataIsPinnedToItsBytes() throws Exception {
        JsonCloudEventData tree = JsonCloudEventData.wrap(new ObjectMapper().readTree("{\"k\":[1,2]}"));
        CloudEvent event = SampleEvents.builder("1")
                .withDataContentType("application/json").withData(tree).build();

        CloudEvent back = roundTrip(event);

        assertArrayEquals(tree.toBytes(), back.getData().toBytes());
        assertEquals("application/json", back.getDataContentType());
    }

    @Test
    void binaryDataAndAbsentContentTypeSurvive() {
        byte[] data = {0, (byte) 0xFF, 10, 13, '{'};
        CloudEvent event = SampleEvents.builder("1")
                .withData(data).build();

        CloudEvent back = roundTrip(event);

        assertArrayEquals(data, back.getData().toBytes());
        assertEquals(null, back.getDataContentType());
    }

    @Test
    void decodesAPayloadInsideALargerBuffer() {
        byte[] frame = codec.encode(TestEvents.event(7));
        byte[] padded = Arrays.copyOf(frame, frame.length + 10);
        assertEquals("e-7", codec.decode(padded[0], padded, RecordCodec.HEADER_BYTES,
                frame.length - RecordCodec.HEADER_BYTES).getId());
    }

    @Test
    void readsVersionOneRecordsWrittenByThePreviousBuild() throws Exception {
        byte[] log = VersionOneRecords.bytes();
        List<CloudEvent> expected = VersionOneRecords.events();

        int at = 0;
        for (CloudEvent event : expected) {
            assertEquals(RecordCodec.VERSION_1, log[at]);
            int length = RecordCodec.getInt(log, at + 1);
            int header = RecordCodec.LEGACY_HEADER_BYTES;
            assertEquals(RecordCodec.getInt(log, at + 5), RecordCodec.crc(log, at + header, length));
            CloudEvent back = codec.decode(log[at], log, at + header, length);
            // What the JSON format carries: the same event, except that non-Integer extensions became strings.
            assertEquals(sdkRoundTrip(event), back, event.getId());
            assertDataEquals(event, back);
            at += RecordCodec.LEGACY_HEADER_BYTES + length;
        }
        assertEquals(log.length, at, "every record read");
    }

    @Test
    void everyVersionOfTheSameEventDecodesEqual() {
        for (CloudEvent event : VersionOneRecords.events()) {
            byte[] v1 = codec.json(event);
            byte[] v2 = TestEvents.versionTwoRecord(event);
            byte[] v3 = codec.encode(event);

            CloudEvent fromV1 = codec.decode(RecordCodec.VERSION_1, v1, 0, v1.length);
            int legacy = RecordCodec.LEGACY_HEADER_BYTES;
            CloudEvent fromV2 = codec.decode(v2[0], v2, legacy, v2.length - legacy);
            CloudEvent fromV3 = codec.decode(v3[0], v3, RecordCodec.HEADER_BYTES, v3.length - RecordCodec.HEADER_BYTES);

            assertEquals(fromV1, fromV2, event.getId());
            assertEquals(fromV1, fromV3, event.getId());
        }
    }

    @Test
    void anUnknownVersionIsNotDecoded() {
        byte[] frame = codec.encode(TestEvents.event(1));
        assertThrows(IllegalArgumentException.class, () -> codec.decode((byte) 0xD4, frame, RecordCodec.HEADER_BYTES,
                frame.length - RecordCodec.HEADER_BYTES));
        assertFalse(RecordCodec.isLegacyVersion(RecordCodec.VERSION_3), "never read from a legacy segment");
        assertTrue(RecordCodec.isLegacyVersion(RecordCodec.VERSION_1));
        assertTrue(RecordCodec.isLegacyVersion(RecordCodec.VERSION_2));
    }

    @Test
    void resyncFiltersByTheFirstPayloadByteOfEachVersion() {
        assertTrue(RecordCodec.plausibleStart(RecordCodec.VERSION_1, (byte) '{'));
        assertFalse(RecordCodec.plausibleStart(RecordCodec.VERSION_1, CompactPayload.SPEC_V1));
        assertTrue(RecordCodec.plausibleStart(RecordCodec.VERSION_2, CompactPayload.SPEC_V1));
        assertTrue(RecordCodec.plausibleStart(RecordCodec.VERSION_2, CompactPayload.SPEC_V03));
        assertFalse(RecordCodec.plausibleStart(RecordCodec.VERSION_2, (byte) '{'));
    }

    static CloudEvent sdkRoundTrip(CloudEvent event) {
        RecordCodec codec = new RecordCodec();
        byte[] json = codec.json(event);
        return codec.decode(RecordCodec.VERSION_1, json, 0, json.length);
    }

    private static void assertDataEquals(CloudEvent expected, CloudEvent actual) {
        if (expected.getData() == null) {
            assertNull(actual.getData(), expected.getId());
        } else {
            assertArrayEquals(expected.getData().toBytes(), actual.getData().toBytes(), expected.getId());
        }
    }
}
