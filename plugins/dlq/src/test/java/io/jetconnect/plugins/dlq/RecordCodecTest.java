package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private final RecordCodec codec = new RecordCodec();

    private CloudEvent roundTrip(CloudEvent event) {
        byte[] frame = codec.encode(event);
        return codec.decode(frame, RecordCodec.HEADER_BYTES, frame.length - RecordCodec.HEADER_BYTES);
    }

    @Test
    void framesWithMagicLengthAndCrc32c() {
        byte[] frame = codec.encode(TestEvents.event(1));
        int length = frame.length - RecordCodec.HEADER_BYTES;

        assertEquals(RecordCodec.MAGIC, frame[0]);
        assertEquals(length, RecordCodec.getInt(frame, 1));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(frame, RecordCodec.HEADER_BYTES, length);
        assertEquals((int) crc.getValue(), RecordCodec.getInt(frame, 5));
        assertEquals('{', frame[RecordCodec.HEADER_BYTES]);
    }

    @Test
    void jsonDataComesBackByteForByte() {
        byte[] data = "{ \"b\": 1.10,\n  \"a\": [1e3, \"x\"] }".getBytes(StandardCharsets.UTF_8);
        CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t")
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
        CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t")
                .withDataContentType("application/json").withData(tree).build();

        CloudEvent back = roundTrip(event);

        assertArrayEquals(tree.toBytes(), back.getData().toBytes());
        assertEquals("application/json", back.getDataContentType());
    }

    @Test
    void binaryDataAndAbsentContentTypeSurvive() {
        byte[] data = {0, (byte) 0xFF, 10, 13, '{'};
        CloudEvent event = CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t")
                .withData(data).build();

        CloudEvent back = roundTrip(event);

        assertArrayEquals(data, back.getData().toBytes());
        assertEquals(null, back.getDataContentType());
    }

    @Test
    void decodesAPayloadInsideALargerBuffer() {
        byte[] frame = codec.encode(TestEvents.event(7));
        byte[] padded = Arrays.copyOf(frame, frame.length + 10);
        assertEquals("e-7", codec.decode(padded, RecordCodec.HEADER_BYTES,
                frame.length - RecordCodec.HEADER_BYTES).getId());
    }
}
