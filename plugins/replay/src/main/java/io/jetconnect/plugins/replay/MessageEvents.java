package io.jetconnect.plugins.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads a NATS message as the CloudEvents NATS binding writes it, with the SDK doing the parsing:
 * <ul>
 *   <li>structured mode when {@code content-type} starts with {@code application/cloudevents} (or when the message
 *       has neither a {@code content-type} nor a {@code ce-specversion} header, as before NATS had headers): the
 *       body in the JSON event format, read by {@link JsonFormat};</li>
 *   <li>binary mode when there is a {@code ce-specversion} header: one {@code ce-} header per attribute (names
 *       matched case-insensitively, values percent-decoded), the body as data, read by the SDK's generic binary
 *       reader. {@code content-type} stands for {@code datacontenttype} unless {@code ce-datacontenttype} is
 *       there.</li>
 * </ul>
 * No {@code datacontenttype} is assumed when an event has none, and JSON data is the bytes of its value in the body
 * (not the SDK's tree), so that an event reads back as it was written and a signature over it still verifies when
 * it is published again.
 * Thread-safe.
 */
final class MessageEvents {

    private static final String PREFIX = "ce-";
    private static final String CONTENT_TYPE = "content-type";
    private static final String SPECVERSION = PREFIX + "specversion";
    private static final String STRUCTURED_JSON = "application/cloudevents+json";
    private static final String STRUCTURED_ANY = "application/cloudevents";
    private static final byte[] EMPTY = new byte[0];

    private static final JsonFactory JSON = new JsonFactory();

    /** The SDK's JSON event format as a Jackson reader, built once: the type is not looked up per message. */
    private final ObjectReader format = JsonMapper.builder()
            .addModule(JsonFormat.getCloudEventJacksonModule(JsonFormatOptions.builder()
                    .disableDataContentTypeDefaulting(true)
                    .build()))
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .readerFor(CloudEvent.class);

    /**
     * @param headers the message's headers; may be null
     * @param body the message's body; may be null
     * @return the event
     * @throws InvalidMessage if the message is not a CloudEvent
     */
    CloudEvent read(Headers headers, byte[] body) throws InvalidMessage {
        byte[] payload = body == null ? EMPTY : body;
        String contentType = header(headers, CONTENT_TYPE);
        String mediaType = contentType == null ? null : mediaType(contentType);
        if (mediaType != null && mediaType.startsWith(STRUCTURED_ANY)) {
            if (!mediaType.equals(STRUCTURED_JSON)) {
                throw new InvalidMessage(InvalidMessage.FORMAT, "event format " + mediaType + " is not supported");
            }
            return structured(payload);
        }
        String specVersion = header(headers, SPECVERSION);
        if (specVersion != null) {
            return binary(headers, specVersion, payload);
        }
        if (contentType == null) {
            return structured(payload);
        }
        throw new InvalidMessage(InvalidMessage.BINARY,
                "no ce-specversion header and content-type " + mediaType + " is not a CloudEvents format");
    }

    private CloudEvent structured(byte[] payload) throws InvalidMessage {
        if (payload.length == 0) {
            throw new InvalidMessage(InvalidMessage.STRUCTURED, "empty body and no ce- headers");
        }
        CloudEvent event;
        try {
            event = format.readValue(payload);
        } catch (IOException | RuntimeException e) {
            // EventDeserializationException, CloudEventRWException, and the runtime exceptions the SDK wraps.
            throw new InvalidMessage(InvalidMessage.STRUCTURED, "not a CloudEvent in the JSON format: " + root(e));
        }
        if (event == null) {
            throw new InvalidMessage(InvalidMessage.STRUCTURED, "not a CloudEvent in the JSON format: null");
        }
        if (event.getData() instanceof JsonCloudEventData) {
            byte[] raw = rawData(payload);
            if (raw != null) {
                event = CloudEventBuilder.from(event).withData(raw).build();
            }
        }
        return event;
    }

    /**
     * @return the bytes of the top-level {@code data} member's value as they are in the document, or null if there
     *     is none: the SDK holds JSON data as a tree, and writing the tree out again changes whitespace and the
     *     spelling of numbers, which would break a signature over the data when the event is published again
     */
    static byte[] rawData(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            byte[] raw = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    parser.getText(); // reads to the closing quote, where the value ends
                }
                if (name.equals("data")) {
                    raw = Arrays.copyOfRange(document, start, (int) parser.currentLocation().getByteOffset());
                }
            }
            return raw;
        } catch (IOException e) {
            return null;
        }
    }

    private static CloudEvent binary(Headers headers, String specVersion, byte[] payload) throws InvalidMessage {
        SpecVersion version;
        try {
            version = SpecVersion.parse(decode(specVersion));
        } catch (RuntimeException e) {
            throw new InvalidMessage(InvalidMessage.BINARY, "unknown ce-specversion");
        }
        try {
            return new BinaryReader(version, headers, payload).toEvent();
        } catch (RuntimeException e) {
            throw new InvalidMessage(InvalidMessage.BINARY, "not a CloudEvent in binary mode: " + root(e));
        }
    }

    private static String mediaType(String contentType) {
        if (contentType.equals(STRUCTURED_JSON)) {
            return STRUCTURED_JSON;
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private static String header(Headers headers, String name) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        List<String> exact = headers.get(name);
        if (exact != null && !exact.isEmpty()) {
            return exact.get(0);
        }
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    private static boolean isCloudEventsHeader(String key) {
        return key.length() > PREFIX.length() && key.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** Undoes the binding's percent-encoding of a header value (UTF-8; a stray {@code %} stays as it is). */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (c == '%' && lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The SDK's generic binary reader over NATS headers. */
    private static final class BinaryReader extends BaseGenericBinaryMessageReaderImpl<String, String> {

        private final Headers headers;
        private final boolean contentTypeIsAttribute;

        BinaryReader(SpecVersion version, Headers headers, byte[] payload) {
            super(version, payload.length == 0 ? null : BytesCloudEventData.wrap(payload));
            this.headers = headers;
            this.contentTypeIsAttribute = header(headers, PREFIX + "datacontenttype") != null;
        }

        @Override
        protected boolean isContentTypeHeader(String key) {
            return !contentTypeIsAttribute && key.equalsIgnoreCase(CONTENT_TYPE);
        }

        @Override
        protected boolean isCloudEventsHeader(String key) {
            return MessageEvents.isCloudEventsHeader(key);
        }

        @Override
        protected String toCloudEventsKey(String key) {
            return key.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        }

        @Override
        protected void forEachHeader(BiConsumer<String, String> fn) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (!entry.getValue().isEmpty()) {
                    fn.accept(entry.getKey(), entry.getValue().get(0));
                }
            }
        }

        @Override
        protected String toCloudEventsValue(String value) {
            return decode(value);
        }
    }
}
