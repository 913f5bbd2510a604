package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventContextWriter;
import io.nats.client.impl.Headers;
import io.jetconnect.nats.StructuredJson;
import java.nio.charset.StandardCharsets;

/**
 * Turns an event into a NATS message body and headers, per the CloudEvents NATS protocol binding.
 *
 * <ul>
 *   <li>Structured (default): the body is the JSON event format, written by {@link StructuredJson} (the SDK's
 *       {@code JsonFormat} attributes, and data as a JSON value only when it is declared JSON and is one), with
 *       {@code content-type: application/cloudevents+json}.</li>
 *   <li>Binary: every attribute but {@code datacontenttype}, extensions included, in a {@code ce-<name>} header
 *       holding its canonical string, percent-encoded as the binding requires; the data as the body;
 *       {@code datacontenttype} as {@code content-type} (NATS binding 3.1.1: "MUST be mapped directly to the
 *       content-type header"), as it is unless it holds characters a header cannot carry (then
 *       percent-encoded).</li>
 * </ul>
 * Both set {@code Nats-Msg-Id} as {@link MessageId} says (by default a digest of source and id), so that the stream
 * deduplicates re-publishes. Thread-safe.
 */
final class EventEncoder {

    static final String MSG_ID = "Nats-Msg-Id";
    static final String CONTENT_TYPE = "content-type";
    static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;
    static final String CE_PREFIX = "ce-";

    private static final byte[] EMPTY = new byte[0];
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final boolean binary;
    private final MessageId messageId;

    /** An encoder whose {@code Nats-Msg-Id} is the event id alone ({@code message-id = id}). */
    EventEncoder(boolean binary) {
        this(binary, MessageId.ID);
    }

    /** @param messageId how {@code Nats-Msg-Id} is made ({@code message-id}) */
    EventEncoder(boolean binary, MessageId messageId) {
        this.binary = binary;
        this.messageId = messageId;
        // At start, so that the first emit does not pay for loading the writer (emit must never wait).
        StructuredJson.warmUp();
    }

    /** @return the headers of the event's message, sealed: jnats publishes them without a copy */
    Headers headers(CloudEvent event) {
        SealedHeaders headers = new SealedHeaders();
        headers.put(MSG_ID, messageId.of(event));
        if (!binary) {
            headers.put(CONTENT_TYPE, STRUCTURED_CONTENT_TYPE);
            return headers.seal();
        }
        headers.put(CE_PREFIX + "specversion", event.getSpecVersion().toString());
        CloudEventUtils.toContextReader(event).readContext(new HeaderWriter(headers));
        String contentType = event.getDataContentType();
        if (contentType != null) {
            headers.put(CONTENT_TYPE, headerText(contentType) ? contentType : percentEncode(contentType));
        }
        return headers.seal();
    }

    /** @return the body of the event's message */
    byte[] body(CloudEvent event) {
        if (!binary) {
            return StructuredJson.write(event);
        }
        CloudEventData data = event.getData();
        return data == null ? EMPTY : data.toBytes();
    }

    /**
     * Percent-encodes a header value as the NATS binding asks: space, {@code "}, {@code %} and everything outside
     * printable ASCII become the {@code %XX} of their UTF-8 bytes, upper-case.
     *
     * @return the value itself when nothing needs encoding
     */
    static String percentEncode(String value) {
        int i = 0;
        while (i < value.length() && !needsEncoding(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
        while (i < value.length()) {
            char c = value.charAt(i);
            if (!needsEncoding(c)) {
                out.append(c);
                i++;
                continue;
            }
            int cp = value.codePointAt(i);
            int count = Character.charCount(cp);
            // An unpaired surrogate encodes as U+FFFD, as String.getBytes does.
            byte[] bytes = value.substring(i, i + count).getBytes(StandardCharsets.UTF_8);
            for (byte b : bytes) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i += count;
        }
        return out.toString();
    }

    /** @return whether a value is header text as it is: visible ASCII, spaces and tabs, not at either end */
    static boolean headerText(String value) {
        if (value.isEmpty() || value.charAt(0) <= 0x20 || value.charAt(value.length() - 1) <= 0x20) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsEncoding(char c) {
        return c <= 0x20 || c >= 0x7f || c == '"' || c == '%';
    }

    /**
     * Writes each context attribute but {@code datacontenttype} into a {@code ce-} header; the SDK supplies canonical
     * strings.
     */
    private static final class HeaderWriter implements CloudEventContextWriter {

        private final Headers headers;

        HeaderWriter(Headers headers) {
            this.headers = headers;
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            if (name.equals("datacontenttype")) {
                return this; // content-type carries it; a ce-datacontenttype would say it twice
            }
            headers.put(CE_PREFIX + name, percentEncode(value));
            return this;
        }
    }
}
