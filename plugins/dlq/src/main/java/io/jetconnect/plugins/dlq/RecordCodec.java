package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The framing of one spilled event: {@code [magic/version: 1 byte][payload length: u32][CRC32C of the payload: u32]
 * [payload]}, big-endian, where the payload is the event in the CloudEvents JSON format. Data is always written as
 * {@code data_base64} and {@code datacontenttype} is never defaulted on reading, so the data the wrapped sink gets
 * after a drain is byte for byte the data it was first offered (a JSON object re-serialized by Jackson could differ
 * in spacing or number form, and break a signature computed before this layer). Thread-safe.
 */
final class RecordCodec {

    /** Version 1 of the record format; any other first byte is not a record. */
    static final byte MAGIC = (byte) 0xD1;
    static final int HEADER_BYTES = 9;
    /** The shortest payload a CloudEvent in JSON can have ({@code {}} is not an event, but it is where we stop). */
    static final int MIN_PAYLOAD = 2;
    static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    private final JsonFormat format = new JsonFormat(JsonFormatOptions.builder()
            .forceDataBase64Serialization(true)
            .disableDataContentTypeDefaulting(true)
            .build());

    /**
     * @return the event framed as a record
     * @throws RuntimeException if the event cannot be serialized
     */
    byte[] encode(CloudEvent event) {
        byte[] payload = json(event);
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("event " + event.getId() + " is too large to spill: "
                    + payload.length + " bytes");
        }
        byte[] frame = new byte[HEADER_BYTES + payload.length];
        System.arraycopy(payload, 0, frame, HEADER_BYTES, payload.length);
        frame[0] = MAGIC;
        putInt(frame, 1, payload.length);
        putInt(frame, 5, crc(payload, 0, payload.length));
        return frame;
    }

    /**
     * @return the event in the CloudEvents JSON format, data as {@code data_base64}
     * @throws RuntimeException if the event cannot be serialized
     */
    byte[] json(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data != null && !(data instanceof BytesCloudEventData)) {
            // JsonCloudEventData would be written as a JSON tree whatever the options say: pin its bytes.
            event = CloudEventBuilder.from(event).withData(data.toBytes()).build();
        }
        return format.serialize(event);
    }

    /**
     * @return the event a record's payload holds
     * @throws RuntimeException if the payload is not a CloudEvent in JSON
     */
    CloudEvent decode(byte[] buffer, int offset, int length) {
        byte[] payload = offset == 0 && length == buffer.length
                ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
        return format.deserialize(payload);
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    static int getInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
                | bytes[at + 3] & 0xFF;
    }
}
