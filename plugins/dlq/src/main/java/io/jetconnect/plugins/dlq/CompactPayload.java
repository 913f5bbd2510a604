package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.rw.CloudEventContextWriter;
import io.cloudevents.rw.CloudEventRWException;
import io.cloudevents.types.Time;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * The payload of a version-2 record: the event's attributes and extensions with their types, then its data bytes
 * as they are. Reading one back costs a few small strings and one copy of the data, where the JSON format of
 * version 1 cost a Jackson tree and a base64 decoding per event.
 *
 * <pre>
 * payload   := spec attribute* end
 * spec      := u8: 1 for "1.0", 3 for "0.3"
 * attribute := name kind value
 * name      := u8 1..8 (id, source, type, datacontenttype, dataschema, subject, time, schemaurl) | 0x00 string
 * kind      := 'S' string | 'I' s32 | 'T' (true) | 'F' (false) | 'D' s64 epoch second, s32 nano, s32 offset seconds
 * end       := 0xFE (no data) | 0xFF followed by the data bytes, up to the end of the payload
 * string    := varint (n &lt;&lt; 1 | form), then n bytes of UTF-8 (form 0) or n UTF-16 code units (form 1)
 * </pre>
 * Integers are big-endian; a varint is unsigned LEB128. Form 1 keeps strings that UTF-8 cannot hold (an unpaired
 * surrogate, which the JSON format carries as an escape).
 *
 * <p>Types are recorded as the SDK's JSON format writes them, so that a drained event is equal to what that format
 * would give back: an {@code Integer} extension stays a number, a {@code Boolean} a boolean, and every other value
 * (other numbers, URIs, times, bytes) becomes the string the format writes for it. The {@code time} attribute alone
 * is kept in binary ({@code 'D'}): the format's ISO-8601 text of it parses back to an equal value, so nothing
 * changes but the cost of parsing it. Reading makes the same builder calls as the SDK's JSON deserializer.
 * {@code CompactPayloadTest} holds all of this against the SDK on the classpath, so an SDK upgrade that changes what
 * its format carries fails there.
 *
 * <p>Thread-safe; the only state is a one-entry cache of the last source read.
 */
final class CompactPayload {

    static final byte SPEC_V1 = 1;
    static final byte SPEC_V03 = 3;
    private static final int END = 0xFE;
    private static final int END_WITH_DATA = 0xFF;
    private static final byte STRING = 'S';
    private static final byte INTEGER = 'I';
    private static final byte TRUE = 'T';
    private static final byte FALSE = 'F';
    private static final byte TIME = 'D';
    /** Index = the name's code; 0 means the name itself follows. */
    private static final String[] NAMES = {null, "id", "source", "type", "datacontenttype", "dataschema",
            "subject", "time", "schemaurl"};
    private static final int SOURCE_CODE = 2;
    private static final int TIME_CODE = 7;

    /**
     * The last source read and its URI. The events of a log mostly share their source, and parsing it was a tenth
     * of the reading. Racy on purpose: a reader that sees an older entry only parses again.
     */
    private static volatile Source lastSource = new Source(new byte[0], null);

    private record Source(byte[] utf8, URI uri) {
    }

    private CompactPayload() {
    }

    /**
     * @param headerRoom bytes to leave free at the start of the array, for the record's header
     * @return the payload of the event, after {@code headerRoom} unused bytes
     * @throws RuntimeException if the event cannot be read (an attribute or its data throws) or is too large
     */
    static byte[] write(CloudEvent event, int headerRoom) {
        Writer attributes = new Writer();
        SpecVersion spec = event.getSpecVersion();
        attributes.put(spec == SpecVersion.V1 ? SPEC_V1 : spec == SpecVersion.V03 ? SPEC_V03 : badSpec(spec));
        CloudEventUtils.toContextReader(event).readContext(attributes);
        CloudEventData data = event.getData();
        byte[] bytes = data == null ? null : data.toBytes();
        long total = (long) headerRoom + attributes.length + 1 + (bytes == null ? 0 : bytes.length);
        if (total - headerRoom > RecordCodec.MAX_PAYLOAD) {
            throw new IllegalArgumentException("event " + event.getId() + " is too large to spill: "
                    + (total - headerRoom) + " bytes");
        }
        byte[] out = new byte[(int) total];
        System.arraycopy(attributes.bytes, 0, out, headerRoom, attributes.length);
        int at = headerRoom + attributes.length;
        out[at++] = (byte) (bytes == null ? END : END_WITH_DATA);
        if (bytes != null) {
            System.arraycopy(bytes, 0, out, at, bytes.length);
        }
        return out;
    }

    private static byte badSpec(SpecVersion spec) {
        throw new IllegalArgumentException("spec version " + spec + " has no record format");
    }

    /** @return whether a payload starting with {@code first} may be a version-2 payload */
    static boolean plausibleStart(byte first) {
        return first == SPEC_V1 || first == SPEC_V03;
    }

    /**
     * @return the event the payload holds
     * @throws RuntimeException if it is not a well-formed payload or not a valid event
     */
    static CloudEvent read(byte[] buffer, int offset, int length) {
        return new Reader(buffer, offset, length).event();
    }

    /** Collects the attributes, as the SDK's JSON format sees them (its {@code JsonContextWriter}). */
    private static final class Writer implements CloudEventContextWriter {

        byte[] bytes = new byte[256];
        int length;

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            name(name);
            put(STRING);
            string(value);
            return this;
        }

        // Deprecated in the SDK, but what its readContext still calls for every numeric extension.
        @SuppressWarnings("deprecation")
        @Override
        public CloudEventContextWriter withContextAttribute(String name, Number value) {
            // The JSON format writes only an Integer as a number; any other number as its string.
            return value instanceof Integer i ? withContextAttribute(name, i)
                    : withContextAttribute(name, value.toString());
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Integer value) {
            name(name);
            put(INTEGER);
            putInt(value);
            return this;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Boolean value) {
            name(name);
            put(value ? TRUE : FALSE);
            return this;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, OffsetDateTime value) {
            if (!NAMES[TIME_CODE].equals(name)) {
                // An extension: the JSON format gives it back as its string.
                return withContextAttribute(name, Time.writeTime(name, value));
            }
            put((byte) TIME_CODE);
            put(TIME);
            long seconds = value.toEpochSecond();
            putInt((int) (seconds >>> 32));
            putInt((int) seconds);
            putInt(value.getNano());
            putInt(value.getOffset().getTotalSeconds());
            return this;
        }

        private void name(String name) {
            for (int code = 1; code < NAMES.length; code++) {
                if (NAMES[code].equals(name)) {
                    put((byte) code);
                    return;
                }
            }
            put((byte) 0);
            string(name);
        }

        private void string(String value) {
            int n = value.length();
            if (!hasUnpairedSurrogate(value)) {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                varint(lengthHeader(utf8.length, 0));
                ensure(utf8.length);
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
                return;
            }
            varint(lengthHeader(n, 1));
            ensure(2 * n);
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                bytes[length++] = (byte) (c >>> 8);
                bytes[length++] = (byte) c;
            }
        }

        private static int lengthHeader(int n, int form) {
            if (n > Integer.MAX_VALUE >> 2) {
                throw new IllegalArgumentException("attribute value of " + n + " characters is too large to spill");
            }
            return n << 1 | form;
        }

        private static boolean hasUnpairedSurrogate(String value) {
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        private void varint(int value) {
            ensure(5);
            while ((value & ~0x7F) != 0) {
                bytes[length++] = (byte) (value & 0x7F | 0x80);
                value >>>= 7;
            }
            bytes[length++] = (byte) value;
        }

        void put(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        private void putInt(int value) {
            ensure(4);
            RecordCodec.putInt(bytes, length, value);
            length += 4;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /** Reads one payload, checking every length against its end. */
    private static final class Reader {

        private final byte[] buffer;
        private final int end;
        private int at;

        Reader(byte[] buffer, int offset, int length) {
            this.buffer = buffer;
            this.at = offset;
            this.end = offset + length;
        }

        CloudEvent event() {
            int spec = u8();
            CloudEventBuilder builder = switch (spec) {
                case SPEC_V1 -> CloudEventBuilder.v1();
                case SPEC_V03 -> CloudEventBuilder.v03();
                default -> throw malformed("unknown spec version code " + spec);
            };
            // The same calls, with the same types, as the SDK's JSON deserializer makes for each attribute.
            while (true) {
                int code = u8();
                if (code == END || code == END_WITH_DATA) {
                    if (code == END) {
                        if (at != end) {
                            throw malformed((end - at) + " bytes after the end");
                        }
                        return builder.build();
                    }
                    byte[] data = Arrays.copyOfRange(buffer, at, end);
                    return builder.end(BytesCloudEventData.wrap(data));
                }
                String name;
                if (code == 0) {
                    name = string();
                } else if (code < NAMES.length) {
                    name = NAMES[code];
                } else {
                    throw malformed("unknown attribute code " + code);
                }
                int kind = u8();
                if (code == SOURCE_CODE && kind == STRING) {
                    builder.withSource(source());
                    continue;
                }
                switch (kind) {
                    case STRING -> builder.withContextAttribute(name, string());
                    // The deserializer passes a Number; for an Integer the builder does the same with either.
                    case INTEGER -> builder.withContextAttribute(name, (Integer) s32());
                    case TRUE -> builder.withContextAttribute(name, Boolean.TRUE);
                    case FALSE -> builder.withContextAttribute(name, Boolean.FALSE);
                    case TIME -> builder.withContextAttribute(name, time());
                    default -> throw malformed("unknown kind " + kind + " of attribute " + name);
                }
            }
        }

        /** @return the URI the SDK's builder makes of the source string that follows, parsed once per source */
        private URI source() {
            Source last = lastSource;
            int header = varint();
            int n = header >>> 1;
            if ((header & 1) == 0) {
                need(n);
                if (Arrays.equals(buffer, at, at + n, last.utf8, 0, last.utf8.length)) {
                    at += n;
                    return last.uri;
                }
            }
            int from = at;
            String value = string(header);
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                // What the builder throws for the same string.
                throw CloudEventRWException.newInvalidAttributeValue("source", value, e);
            }
            if ((header & 1) == 0) {
                lastSource = new Source(Arrays.copyOfRange(buffer, from, at), uri);
            }
            return uri;
        }

        private OffsetDateTime time() {
            long seconds = (long) s32() << 32 | s32() & 0xFFFFFFFFL;
            int nanos = s32();
            int offset = s32();
            return OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos),
                    ZoneOffset.ofTotalSeconds(offset));
        }

        private String string() {
            return string(varint());
        }

        private String string(int header) {
            int n = header >>> 1;
            if ((header & 1) == 0) {
                need(n);
                String value = new String(buffer, at, n, StandardCharsets.UTF_8);
                at += n;
                return value;
            }
            need(2L * n);
            char[] chars = new char[n];
            for (int i = 0; i < n; i++) {
                chars[i] = (char) ((buffer[at] & 0xFF) << 8 | buffer[at + 1] & 0xFF);
                at += 2;
            }
            return new String(chars);
        }

        private int varint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw malformed("varint longer than 5 bytes");
        }

        private int s32() {
            need(4);
            int value = RecordCodec.getInt(buffer, at);
            at += 4;
            return value;
        }

        private int u8() {
            need(1);
            return buffer[at++] & 0xFF;
        }

        private void need(long bytes) {
            if (bytes < 0 || bytes > end - at) {
                throw malformed("a field of " + bytes + " bytes runs past the end");
            }
        }

        private static IllegalArgumentException malformed(String what) {
            return new IllegalArgumentException("malformed record payload: " + what);
        }
    }
}
