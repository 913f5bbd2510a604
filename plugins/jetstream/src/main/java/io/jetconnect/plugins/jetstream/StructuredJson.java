package io.jetconnect.plugins.jetstream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.rw.CloudEventContextWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Writes the CloudEvents JSON format of an event with JSON data (or none) straight into one array of the exact size.
 * The bytes are those the SDK's {@link io.cloudevents.jackson.JsonFormat} writes for the same event: the same order
 * (specversion, then the attributes as the event's own {@link io.cloudevents.rw.CloudEventContextReader} reads
 * them, then data), the same strings, escaped as Jackson escapes them, an {@code Integer} as a number and a
 * {@code Boolean} as a boolean as the SDK's writer does, and JSON data as a raw value. {@code StructuredJsonTest}
 * compares the two.
 *
 * <p>Why: for JSON data held as bytes, the SDK decodes them into a {@code String}, copies that into a
 * {@code char[]} and encodes it back to UTF-8 character by character, matches the content type against a regular
 * expression twice, and goes through an {@code ObjectMapper} (a serializer provider and lookups per event); that
 * was most of the sink's own CPU per event. Data that is not ASCII JSON (where the SDK's decoding and re-encoding
 * could change bytes), a JSON tree, or a string holding a surrogate (a character beyond the BMP, which the SDK's
 * generator writes as escapes) return null, and the encoder hands the event to the SDK.
 */
final class StructuredJson {

    private static final byte[] SPECVERSION = "{\"specversion\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);
    /** {@code JsonFormat.dataIsJsonContentType}, which is package-private in the SDK. */
    private static final Pattern SDK_JSON_CONTENT_TYPE =
            Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** The last content type looked at and whether it is JSON to the SDK; content types rarely vary. */
    private static volatile ContentTypeVerdict lastVerdict = new ContentTypeVerdict("application/json", true);

    private record ContentTypeVerdict(String contentType, boolean json) {
    }

    /** Jackson's own escaping: the generator behind the SDK's format uses the same table. */
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private StructuredJson() {
    }

    /** @return the event in the JSON format, or null if the SDK must write it */
    static byte[] write(CloudEvent event) {
        CloudEventData data = event.getData();
        byte[] dataBytes = null;
        if (data != null) {
            if (data instanceof JsonCloudEventData || !sdkJson(event.getDataContentType())) {
                return null;
            }
            dataBytes = data.toBytes();
            if (dataBytes.length == 0 || !ascii(dataBytes)) {
                return null;
            }
        }
        String version = event.getSpecVersion().toString();
        if (!plain(version)) {
            return null;
        }
        Fields fields = new Fields();
        CloudEventUtils.toContextReader(event).readContext(fields);
        if (!fields.writable) {
            return null;
        }
        int size = SPECVERSION.length + version.length() + 1 + fields.length + 1
                + (dataBytes == null ? 0 : DATA.length + dataBytes.length);
        byte[] out = new byte[size];
        int at = put(out, 0, SPECVERSION);
        at = putAscii(out, at, version);
        out[at++] = '"';
        for (int i = 0; i < fields.count; i++) {
            out[at++] = ',';
            out[at++] = '"';
            at = putAscii(out, at, fields.names[i]);
            out[at++] = '"';
            out[at++] = ':';
            if (fields.escaped[i] != null) {
                out[at++] = '"';
                at = put(out, at, fields.escaped[i]);
                out[at++] = '"';
            } else if (fields.quoted[i]) {
                out[at++] = '"';
                at = putAscii(out, at, fields.values[i]);
                out[at++] = '"';
            } else {
                at = putAscii(out, at, fields.values[i]);
            }
        }
        if (dataBytes != null) {
            at = put(out, at, DATA);
            at = put(out, at, dataBytes);
        }
        out[at++] = '}';
        assert at == size : at + " != " + size;
        return out;
    }

    static boolean sdkJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        ContentTypeVerdict verdict = lastVerdict;
        if (!contentType.equals(verdict.contentType())) {
            verdict = new ContentTypeVerdict(contentType, SDK_JSON_CONTENT_TYPE.matcher(contentType).matches());
            lastVerdict = verdict;
        }
        return verdict.json();
    }

    static boolean ascii(byte[] bytes) {
        int i = 0;
        int whole = bytes.length - (bytes.length & 7);
        for (; i < whole; i += 8) {
            if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** @return whether a string is printable ASCII that JSON writes as it is */
    static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    @SuppressWarnings("deprecation") // the ASCII-only getBytes: a plain string's chars are its bytes
    private static int putAscii(byte[] out, int at, String s) {
        s.getBytes(0, s.length(), out, at);
        return at + s.length();
    }

    /** Collects the attributes in the order the event's reader gives them; notes what only the SDK can write. */
    private static final class Fields implements CloudEventContextWriter {
        String[] names = new String[12];
        String[] values = new String[12];
        boolean[] quoted = new boolean[12];
        /** A quoted value's escaped UTF-8 when it is not plain; null when it is written as it is. */
        byte[][] escaped = new byte[12][];
        int count;
        /** The bytes every field adds: {@code ,"name":} and the value, quoted or not. */
        int length;
        boolean writable = true;

        private void add(String name, String value, boolean quote) {
            byte[] escape = null;
            if (quote && !plain(value)) {
                if (hasSurrogate(value)) {
                    writable = false; // the SDK's generator escapes them, pairs too
                    return;
                }
                escape = ESCAPER.quoteAsUTF8(value);
            }
            if (!plain(name)) {
                writable = false;
                return;
            }
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
                quoted = Arrays.copyOf(quoted, count * 2);
                escaped = Arrays.copyOf(escaped, count * 2);
            }
            names[count] = name;
            values[count] = value;
            quoted[count] = quote;
            escaped[count] = escape;
            count++;
            length += 4 + name.length() + (escape != null ? escape.length : value.length()) + (quote ? 2 : 0);
        }

        private static boolean hasSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            add(name, value, true);
            return this;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Integer value) {
            add(name, value.toString(), false); // as Jackson writes an int
            return this;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Boolean value) {
            add(name, value.toString(), false);
            return this;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Number value) {
            // The SDK's rule: an Integer as a JSON number, any other number as its string.
            add(name, value.toString(), !(value instanceof Integer));
            return this;
        }
    }
}
