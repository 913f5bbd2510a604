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
 * The framing of one spilled event. The first byte is the record's version and doubles as its magic byte:
 *
 * <ul>
 *   <li>{@link #VERSION_3} ({@code 0xD3}), written from now on, to segments named {@code *.v3.log} only:
 *       {@code [0xD3][payload length: u32][header tag: 8 bytes][payload tag: 16 bytes][payload]}, big-endian. The
 *       header tag is HMAC-SHA256 under the data directory's {@link SpillKey} of {@code 'H'} and the first five
 *       bytes, truncated; the payload tag the same of {@code 'P'}, the first five bytes and the payload. A client
 *       who does not know the key cannot put bytes in an event's data that pass for a record or for a record's
 *       header, so the reader can tell the writer's record boundaries from data (see {@link SegmentReader}). The
 *       payload is a {@link CompactPayload}, as in version 2.</li>
 *   <li>{@link #VERSION_2} ({@code 0xD2}), written by earlier builds and still read, in segments those builds
 *       wrote ({@code *.log} without {@code .v3}) only: {@code [0xD2][payload length: u32][CRC32C of the payload:
 *       u32][payload]}; the payload is a {@link CompactPayload}, the attributes with their types and the data
 *       bytes as they are.</li>
 *   <li>{@link #VERSION_1} ({@code 0xD1}), written by earlier builds and still read, so that their spill logs
 *       drain: the payload is the event in the CloudEvents JSON format, data always as {@code data_base64} and
 *       {@code datacontenttype} never defaulted on reading.</li>
 * </ul>
 * Either way the data the wrapped sink gets after a drain is byte for byte the data it was first offered (a JSON
 * object re-serialized by Jackson could differ in spacing or number form, and break a signature computed before
 * this layer), and the attributes and extensions come back as the JSON format would carry them. Thread-safe.
 */
final class RecordCodec {

    /** Records with a JSON payload, written by builds before {@link #VERSION_2}. */
    static final byte VERSION_1 = (byte) 0xD1;
    /** Records with a {@link CompactPayload} and a CRC32C, written by builds before {@link #VERSION_3}. */
    static final byte VERSION_2 = (byte) 0xD2;
    /** Records with a {@link CompactPayload}, authenticated with HMAC-SHA256 tags. */
    static final byte VERSION_3 = (byte) 0xD3;
    /** The first byte of every record written now. */
    static final byte MAGIC = VERSION_3;
    /** The header of a record written now: version, length, header tag, payload tag. */
    static final int HEADER_BYTES = 29;
    /** The header of a version-1 or version-2 record: version, length, CRC32C. */
    static final int LEGACY_HEADER_BYTES = 9;
    static final int HEADER_TAG_BYTES = 8;
    static final int PAYLOAD_TAG_BYTES = 16;
    private static final int HEADER_TAG_AT = 5;
    private static final int PAYLOAD_TAG_AT = 13;
    private static final byte HEADER_DOMAIN = 'H';
    private static final byte PAYLOAD_DOMAIN = 'P';
    /** The shortest payload of either version ({@code {}} is not an event, but it is where we stop). */
    static final int MIN_PAYLOAD = 2;
    static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    private final SpillKey key;
    /** One for every layer: it holds an ObjectMapper (thread-safe once built), tens of KiB a pipeline otherwise. */
    private static final JsonFormat FORMAT = new JsonFormat(JsonFormatOptions.builder()
            .forceDataBase64Serialization(true)
            .disableDataContentTypeDefaulting(true)
            .build());

    /** @param key the data directory's key, which authenticates the records written and read */
    RecordCodec(SpillKey key) {
        this.key = key;
    }

    /** A codec under a random key, known to no data directory: for tests. */
    RecordCodec() {
        this(SpillKey.random());
    }

    /**
     * @return the event framed as a record of the current version
     * @throws RuntimeException if the event cannot be serialized
     */
    byte[] encode(CloudEvent event) {
        byte[] frame = CompactPayload.write(event, HEADER_BYTES);
        int length = frame.length - HEADER_BYTES;
        frame[0] = MAGIC;
        putInt(frame, 1, length);
        key.tag(HEADER_DOMAIN, frame, 0, HEADER_TAG_AT, null, 0, 0, frame, HEADER_TAG_AT, HEADER_TAG_BYTES);
        key.tag(PAYLOAD_DOMAIN, frame, 0, HEADER_TAG_AT, frame, HEADER_BYTES, length, frame, PAYLOAD_TAG_AT,
                PAYLOAD_TAG_BYTES);
        return frame;
    }

    /**
     * @param at where a record of the current version would start in {@code buffer}, with {@link #HEADER_BYTES}
     *     readable there
     * @return whether its header is one this key wrote: then its length is the writer's
     */
    boolean headerAuthentic(byte[] buffer, int at) {
        return buffer[at] == VERSION_3
                && key.verify(HEADER_DOMAIN, buffer, at, HEADER_TAG_AT, null, 0, 0, buffer, at + HEADER_TAG_AT,
                HEADER_TAG_BYTES);
    }

    /** @return whether the payload of the record at {@code at} (authentic header, whole payload readable) is */
    boolean payloadAuthentic(byte[] buffer, int at, int length) {
        return key.verify(PAYLOAD_DOMAIN, buffer, at, HEADER_TAG_AT, buffer, at + HEADER_BYTES, length, buffer,
                at + PAYLOAD_TAG_AT, PAYLOAD_TAG_BYTES);
    }

    /**
     * @return the event in the CloudEvents JSON format, data as {@code data_base64}: the form of the quarantine's
     *     lines, and the payload of version-1 records
     * @throws RuntimeException if the event cannot be serialized
     */
    byte[] json(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data != null && !(data instanceof BytesCloudEventData)) {
            // JsonCloudEventData would be written as a JSON tree whatever the options say: pin its bytes.
            event = CloudEventBuilder.from(event).withData(data.toBytes()).build();
        }
        return FORMAT.serialize(event);
    }

    /** @return whether {@code first} is the first byte of a record of a version earlier builds wrote */
    static boolean isLegacyVersion(byte first) {
        return first == VERSION_2 || first == VERSION_1;
    }

    /**
     * @return whether a payload of a record of {@code version} may start with {@code first}; a cheap filter for
     *     the reader's resync, which a CRC check follows
     */
    static boolean plausibleStart(byte version, byte first) {
        return version == VERSION_2 ? CompactPayload.plausibleStart(first) : first == '{';
    }

    /**
     * @param version the first byte of the record
     * @return the event a record's payload holds
     * @throws RuntimeException if the payload is not a CloudEvent in the record's version
     */
    CloudEvent decode(byte version, byte[] buffer, int offset, int length) {
        if (version == VERSION_3 || version == VERSION_2) {
            return CompactPayload.read(buffer, offset, length);
        }
        if (version != VERSION_1) {
            throw new IllegalArgumentException("unknown record version " + (version & 0xFF));
        }
        byte[] payload = offset == 0 && length == buffer.length
                ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
        return FORMAT.deserialize(payload);
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
