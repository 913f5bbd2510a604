package io.jetconnect.plugins.jetstream;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.rw.CloudEventContextReader;
import io.cloudevents.rw.CloudEventContextWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An event as the SDK's {@link io.cloudevents.jackson.JsonFormat} best writes it: the same attributes, and JSON
 * data handed over as a {@link JsonCloudEventData} whose node is the data's bytes as a raw value.
 *
 * <p>Why: for JSON data held as bytes, the SDK's serializer decodes them into a {@code String}, copies that into a
 * {@code char[]}, encodes it back to UTF-8 character by character, and matches the content type against a regular
 * expression twice per event; that was half the sink's CPU per event. For a {@link JsonCloudEventData} it writes
 * the node instead, and a raw value whose UTF-8 bytes are at hand is written with one array copy. The output is
 * byte for byte what the SDK writes for the original event: this view is used only where the SDK would write the
 * data as raw JSON (its own content-type rule, copied below) and only for ASCII data, where its decoding and
 * re-encoding change nothing. Everything else goes to the SDK as it is.
 */
final class JsonDataView implements CloudEvent, CloudEventContextReader {

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

    private final CloudEvent event;
    private final CloudEventData data;

    private JsonDataView(CloudEvent event, CloudEventData data) {
        this.event = event;
        this.data = data;
    }

    /** @return the event to hand to the SDK's JSON format: a view when that is faster, else the event itself */
    static CloudEvent of(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null || data instanceof JsonCloudEventData || !sdkJson(event.getDataContentType())) {
            return event;
        }
        byte[] bytes = data.toBytes();
        if (bytes.length == 0 || !ascii(bytes)) {
            return event;
        }
        return new JsonDataView(event, JsonCloudEventData.wrap(new POJONode(new RawValue(new RawUtf8(bytes)))));
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

    @Override
    public CloudEventData getData() {
        return data;
    }

    @Override
    public void readContext(CloudEventContextWriter writer) {
        CloudEventUtils.toContextReader(event).readContext(writer);
    }

    @Override
    public SpecVersion getSpecVersion() {
        return event.getSpecVersion();
    }

    @Override
    public String getId() {
        return event.getId();
    }

    @Override
    public String getType() {
        return event.getType();
    }

    @Override
    public URI getSource() {
        return event.getSource();
    }

    @Override
    public String getDataContentType() {
        return event.getDataContentType();
    }

    @Override
    public URI getDataSchema() {
        return event.getDataSchema();
    }

    @Override
    public String getSubject() {
        return event.getSubject();
    }

    @Override
    public OffsetDateTime getTime() {
        return event.getTime();
    }

    @Override
    public Object getAttribute(String attributeName) {
        return event.getAttribute(attributeName);
    }

    @Override
    public Object getExtension(String extensionName) {
        return event.getExtension(extensionName);
    }

    @Override
    public Set<String> getExtensionNames() {
        return event.getExtensionNames();
    }

    /** Bytes that are already UTF-8 JSON, written by Jackson with one copy. */
    private static final class RawUtf8 implements SerializableString {

        private static final String QUOTED = "raw JSON is only ever written as a raw value, never quoted";

        private final byte[] utf8;

        RawUtf8(byte[] utf8) {
            this.utf8 = utf8;
        }

        @Override
        public String getValue() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return utf8.length; // ASCII only
        }

        @Override
        public char[] asQuotedChars() {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public byte[] asQuotedUTF8() {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            for (int i = 0; i < utf8.length; i++) {
                buffer[offset + i] = (char) utf8[i];
            }
            return utf8.length;
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) {
            throw new UnsupportedOperationException(QUOTED);
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < utf8.length) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }

        @Override
        public String toString() {
            return getValue();
        }
    }
}
