package io.jetconnect.nats;

import io.cloudevents.CloudEvent;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a NATS message into a CloudEvent, in either mode of the CloudEvents NATS binding; the one reader that the
 * live feed, replay, {@code tail} and {@code verify} share.
 * <ul>
 *   <li>Structured mode when {@code Content-Type} is {@code application/cloudevents+json} (parameters allowed),
 *       or when the message has neither a {@code Content-Type} nor any {@code ce-} header, as before NATS had
 *       headers: the body in the JSON event format. Other {@code application/cloudevents} formats (the batch
 *       format included) are refused.</li>
 *   <li>Binary mode when there is a {@code ce-specversion} header: one {@code ce-} header per attribute (names
 *       matched case-insensitively, values percent-decoded as UTF-8), {@code Content-Type} as it is for
 *       {@code datacontenttype}, the body's bytes as the data (an empty body is no data). A
 *       {@code ce-datacontenttype} header, which earlier builds wrote beside a percent-encoded
 *       {@code Content-Type}, is read too and then takes precedence.</li>
 * </ul>
 * No {@code datacontenttype} is assumed when an event has none, and JSON data is the bytes of its value as stored,
 * not a re-serialized tree, so that an event reads back as it was written and a signature over it still verifies.
 * Thread-safe.
 */
public final class NatsEventReader {

    private static final String SPECVERSION = NatsHeaders.CE_PREFIX + "specversion";
    private static final String CLOUDEVENTS_FORMATS = "application/cloudevents";
    private static final byte[] EMPTY = new byte[0];

    private NatsEventReader() {
    }

    /** @see #read(Headers, byte[]) */
    public static CloudEvent read(Message message) throws InvalidMessageException {
        return read(message.getHeaders(), message.getData());
    }

    /**
     * @param headers the message's headers; may be null
     * @param body the message's body; may be null
     * @return the event
     * @throws InvalidMessageException if the message is not a CloudEvent in the NATS binding
     */
    public static CloudEvent read(Headers headers, byte[] body) throws InvalidMessageException {
        byte[] payload = body == null ? EMPTY : body;
        String contentType = header(headers, NatsHeaders.CONTENT_TYPE);
        String mediaType = contentType == null ? null : mediaType(contentType);
        if (mediaType != null && mediaType.startsWith(CLOUDEVENTS_FORMATS)) {
            if (!mediaType.equals(NatsHeaders.STRUCTURED_JSON)) {
                throw new InvalidMessageException(InvalidMessageException.FORMAT,
                        "event format " + mediaType + " is not supported");
            }
            return StructuredReader.read(payload);
        }
        String specVersion = header(headers, SPECVERSION);
        if (specVersion != null) {
            return BinaryReader.read(headers, specVersion, payload);
        }
        if (contentType != null) {
            throw new InvalidMessageException(InvalidMessageException.BINARY,
                    "no ce-specversion header and content-type " + mediaType + " is not a CloudEvents format");
        }
        if (hasCloudEventsHeader(headers)) {
            throw new InvalidMessageException(InvalidMessageException.BINARY, "ce- headers without ce-specversion");
        }
        return StructuredReader.read(payload);
    }

    /**
     * Reads one event in the CloudEvents JSON format, as structured mode does (for files of JSON lines).
     *
     * @param document one JSON object in UTF-8
     * @throws InvalidMessageException with reason {@link InvalidMessageException#STRUCTURED} if it is not one
     */
    public static CloudEvent readStructured(byte[] document) throws InvalidMessageException {
        return StructuredReader.read(document == null ? EMPTY : document);
    }

    private static String mediaType(String contentType) {
        if (contentType.equals(NatsHeaders.STRUCTURED_JSON)) {
            return contentType; // as the writers put it: no parameters, no case to fold
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    /** @return the first value of a header, its name matched case-insensitively, or null */
    static String header(Headers headers, String name) {
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

    static boolean isCloudEventsHeader(String key) {
        int prefix = NatsHeaders.CE_PREFIX.length();
        return key.length() > prefix && key.regionMatches(true, 0, NatsHeaders.CE_PREFIX, 0, prefix);
    }

    private static boolean hasCloudEventsHeader(Headers headers) {
        return headers != null && headers.keySet().stream().anyMatch(NatsEventReader::isCloudEventsHeader);
    }

    /** @return the innermost cause's first line: the SDK wraps what Jackson and the builder say */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
