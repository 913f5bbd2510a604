package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.rw.CloudEventContextWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the CloudEvents JSON format of an event into one array. Attributes come as the SDK's
 * {@link io.cloudevents.jackson.JsonFormat} writes them: the same order (specversion, then the attributes as the
 * event's own {@link io.cloudevents.rw.CloudEventContextReader} reads them), the same strings, escaped as Jackson
 * escapes them, an {@code Integer} as a number and a {@code Boolean} as a boolean. The data is written as
 * {@link DataMember} decides: its bytes as a JSON value only when they are declared JSON and exactly one JSON value,
 * else {@code data_base64} (a 0.3 event: {@code "datacontentencoding":"base64"} and the base64 as {@code data}, as
 * the 0.3 format has it). The SDK instead copied the bytes of any data without a content type, or with one its
 * pattern took for JSON, into the document unchecked, so that data could add members to the stored event.
 *
 * <p>Events whose attributes are plain ASCII and whose data is ASCII JSON or absent (the common case) are written
 * straight into an array of the exact size; the others through a Jackson generator. Why: for JSON data held as
 * bytes, the SDK decodes them into a {@code String}, copies that into a {@code char[]} and encodes it back to UTF-8
 * character by character, matches the content type against a regular expression twice, and goes through an
 * {@code ObjectMapper}; that was most of the sink's own CPU per event. {@code StructuredJsonTest} compares the two
 * paths, and both with the SDK's output where the SDK is right.
 *
 * <p>The one writer of the JSON event format: the {@code jetstream} sink's structured mode and the {@code jsonl}
 * sink both use it, so that no stored form of an event can be forged by its data. Thread-safe.
 */
public final class StructuredJson {

    private static final byte[] SPECVERSION = "{\"specversion\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Jackson's own escaping: the generator behind the SDK's format uses the same table. */
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();
    private static final JsonFactory FACTORY = new JsonFactory();

    private StructuredJson() {
    }

    /** @return the event in the JSON format */
    public static byte[] write(CloudEvent event) {
        DataMember data = DataMember.of(event);
        byte[] direct = direct(event, data);
        return direct != null ? direct : generated(event, data);
    }

    /**
     * Loads and initializes Jackson's parser and the data check now, so that the first event written does not pay
     * for it (tens of milliseconds on a busy machine); a sink calls it when it opens.
     */
    public static void warmUp() {
        byte[] sample = "{\"warm\":[1,true,null,\"up\"]}".getBytes(StandardCharsets.US_ASCII);
        DataMember.isOneJsonValue(sample, false);
        ascii(sample);
    }

    /** @return the event written straight into an array, or null if it needs the generator */
    private static byte[] direct(CloudEvent event, DataMember data) {
        byte[] dataBytes = data.bytes();
        if (data.kind() == DataMember.Kind.BASE64 || (dataBytes != null && !ascii(dataBytes))) {
            return null;
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

    /**
     * @return the event written by a Jackson generator; JSON data is copied in after it as bytes, never decoded
     *     and re-encoded
     */
    private static byte[] generated(CloudEvent event, DataMember data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (data.bytes() == null ? 0 : data.bytes().length));
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField("specversion", event.getSpecVersion().toString());
            CloudEventUtils.toContextReader(event).readContext(new GeneratorFields(generator));
            if (data.kind() == DataMember.Kind.BASE64) {
                if (event.getSpecVersion() == SpecVersion.V03) {
                    generator.writeStringField("datacontentencoding", "base64");
                    generator.writeBinaryField("data", data.bytes());
                } else {
                    generator.writeBinaryField("data_base64", data.bytes());
                }
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] written = out.toByteArray();
        if (data.kind() != DataMember.Kind.JSON) {
            return written;
        }
        byte[] json = data.bytes();
        byte[] whole = Arrays.copyOf(written, written.length - 1 + DATA.length + json.length + 1);
        int at = put(whole, written.length - 1, DATA);
        at = put(whole, at, json);
        whole[at] = '}';
        return whole;
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

    /** Writes each attribute with the generator, typed as the SDK's writer types it. */
    private static final class GeneratorFields implements CloudEventContextWriter {

        private final JsonGenerator generator;

        GeneratorFields(JsonGenerator generator) {
            this.generator = generator;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            return write(() -> generator.writeStringField(name, value));
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Integer value) {
            return write(() -> generator.writeNumberField(name, value.intValue()));
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Boolean value) {
            return write(() -> generator.writeBooleanField(name, value.booleanValue()));
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, Number value) {
            // The SDK's rule: an Integer as a JSON number, any other number as its string.
            return value instanceof Integer integer ? withContextAttribute(name, integer)
                    : withContextAttribute(name, value.toString());
        }

        /** The SDK's writer interface declares no {@link IOException}: it goes out unchecked. */
        private CloudEventContextWriter write(Field field) {
            try {
                field.write();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** One generator call that writes an attribute. */
        @FunctionalInterface
        private interface Field {
            void write() throws IOException;
        }
    }
}
