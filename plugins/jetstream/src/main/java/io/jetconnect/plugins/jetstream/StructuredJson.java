package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.rw.CloudEventContextWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the CloudEvents JSON format of the common event straight into one array of the exact size: every
 * attribute a string of printable ASCII with nothing to escape (no {@code "} or {@code \}), an integer or a
 * boolean, and data absent or ASCII JSON. The bytes are those the SDK's {@link io.cloudevents.jackson.JsonFormat}
 * writes for the same event: the same order (specversion, then the attributes as the event's own
 * {@link io.cloudevents.rw.CloudEventContextReader} reads them, then data), the same strings, and JSON data as a raw
 * value, as {@link JsonDataView} gives it to the SDK. {@code EventEncoderTest} compares the two.
 *
 * <p>Why: the SDK serializes through an {@code ObjectMapper} (a serializer provider and lookups per event, and a
 * generator escaping every character), which was most of the sink's own CPU per event. Anything outside the common
 * case returns null, and the encoder hands it to the SDK as before. Stateless.
 */
final class StructuredJson {

    private static final byte[] SPECVERSION = "{\"specversion\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);

    private StructuredJson() {
    }

    /** @return the event in the JSON format, or null if it is not a common event */
    static byte[] write(CloudEvent event) {
        CloudEventData data = event.getData();
        byte[] dataBytes = null;
        if (data != null) {
            if (data instanceof JsonCloudEventData || !JsonDataView.sdkJson(event.getDataContentType())) {
                return null;
            }
            dataBytes = data.toBytes();
            if (dataBytes.length == 0 || !JsonDataView.ascii(dataBytes)) {
                return null;
            }
        }
        String version = event.getSpecVersion().toString();
        if (!plain(version)) {
            return null;
        }
        Fields fields = new Fields();
        CloudEventUtils.toContextReader(event).readContext(fields);
        if (!fields.plain) {
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
            if (fields.quoted[i]) {
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

    /** Collects the attributes in the order the event's reader gives them; notes anything not plain. */
    private static final class Fields implements CloudEventContextWriter {
        String[] names = new String[12];
        String[] values = new String[12];
        boolean[] quoted = new boolean[12];
        int count;
        /** The bytes every field adds: {@code ,"name":} and the value, quoted or not. */
        int length;
        boolean plain = true;

        private void add(String name, String value, boolean quote) {
            if (!plain(name) || quote && !plain(value)) {
                plain = false;
                return;
            }
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
                quoted = Arrays.copyOf(quoted, count * 2);
            }
            names[count] = name;
            values[count] = value;
            quoted[count] = quote;
            count++;
            length += 4 + name.length() + value.length() + (quote ? 2 : 0);
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
