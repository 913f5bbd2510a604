package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;
import io.cloudevents.rw.CloudEventRWException;
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns a NATS message into a CloudEvent as the CloudEvents NATS binding reads it: structured mode when the
 * {@code Content-Type} header starts with {@code application/cloudevents} (or when there are no {@code ce-}
 * headers at all, as before NATS 2.2), else binary mode: one {@code ce-} header per attribute (names matched
 * case-insensitively, values percent-decoded), the payload as data. A {@code Content-Type} header stands in for
 * {@code ce-datacontenttype} when that is missing. An empty payload in binary mode is absent data, which the
 * canonical form does not distinguish from empty data.
 */
final class NatsEvents {

    private static final String PREFIX = "ce-";

    private NatsEvents() {
    }

    /**
     * @param headers the message's headers; may be null
     * @param payload the message's payload; may be null
     * @return the event
     * @throws IllegalArgumentException with a printable reason if the message is not a CloudEvent
     */
    static CloudEvent read(Headers headers, byte[] payload) {
        byte[] body = payload == null ? new byte[0] : payload;
        String contentType = header(headers, "content-type");
        String specVersion = header(headers, PREFIX + "specversion");
        boolean structured = contentType != null
                && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/cloudevents");
        if (!structured && specVersion == null && hasCloudEventsHeader(headers)) {
            throw new IllegalArgumentException("not a CloudEvent: ce- headers without ce-specversion");
        }
        if (structured || specVersion == null) {
            if (body.length == 0) {
                throw new IllegalArgumentException("not a CloudEvent: no ce- headers and no payload");
            }
            return StructuredEvents.parse(body);
        }
        SpecVersion version;
        try {
            version = SpecVersion.parse(decode(specVersion));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a CloudEvent: unknown ce-specversion");
        }
        try {
            return new BinaryReader(version, headers, body).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a CloudEvent in binary mode: " + e.getMessage());
        }
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    private static boolean hasCloudEventsHeader(Headers headers) {
        return headers != null && headers.keySet().stream().anyMatch(NatsEvents::isCloudEventsHeader);
    }

    private static boolean isCloudEventsHeader(String key) {
        return key.length() > PREFIX.length() && key.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Undoes the binding's encoding of a header value: a double-quoted string's escapes, then one round of
     * percent-decoding as UTF-8.
     */
    static String decode(String value) {
        String text = value.trim();
        if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"') {
            StringBuilder unquoted = new StringBuilder();
            for (int i = 1; i < text.length() - 1; i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length() - 1) {
                    c = text.charAt(++i);
                }
                unquoted.append(c);
            }
            text = unquoted.toString();
        }
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** The SDK's generic binary reader over NATS headers. */
    private static final class BinaryReader extends BaseGenericBinaryMessageReaderImpl<String, String> {

        private final Headers headers;
        private final boolean contentTypeIsAttribute;

        BinaryReader(SpecVersion version, Headers headers, byte[] body) {
            super(version, body.length == 0 ? null : BytesCloudEventData.wrap(body));
            this.headers = headers;
            this.contentTypeIsAttribute = header(headers, PREFIX + "datacontenttype") != null;
        }

        @Override
        protected boolean isContentTypeHeader(String key) {
            return !contentTypeIsAttribute && key.equalsIgnoreCase("content-type");
        }

        @Override
        protected boolean isCloudEventsHeader(String key) {
            return NatsEvents.isCloudEventsHeader(key);
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
