package io.jetconnect.plugins.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.rw.CloudEventRWException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a binary-mode request (CloudEvents HTTP binding, 3.1): every attribute in a {@code ce-*} header, the body
 * as the data and {@code Content-Type} as {@code datacontenttype}. Attribute values are parsed and checked by the
 * SDK's builder (URIs, timestamps, extension names); this class adds what the SDK lets through: empty required
 * attributes, a {@code ce-datacontenttype} header, repeated headers.
 */
final class BinaryEventReader {

    static final String PREFIX = "ce-";
    private static final String SPECVERSION = "specversion";
    /** Required besides specversion, in every spec version the SDK knows (0.3 and 1.0). */
    private static final List<String> REQUIRED = List.of("id", "source", "type");

    private BinaryEventReader() {
    }

    /** @return whether the request carries any {@code ce-*} header, which makes it a binary-mode request */
    static boolean isBinary(Map<String, List<String>> headers) {
        for (String name : headers.keySet()) {
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param headers the request's headers, names in any case
     * @param contentType the {@code Content-Type}, or null
     * @param body the body, the event's data when not empty
     * @return the event
     */
    static CloudEvent read(Map<String, List<String>> headers, String contentType, byte[] body) {
        try {
            String version = attribute(headers, PREFIX + SPECVERSION);
            if (version == null || version.isEmpty()) {
                throw RequestRejection.invalid("missing or empty header ce-specversion", 0);
            }
            CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(SpecVersion.parse(version));
            for (String header : headers.keySet()) {
                String name = header.toLowerCase(Locale.ROOT);
                if (!name.startsWith(PREFIX) || name.equals(PREFIX + SPECVERSION)) {
                    continue;
                }
                String attribute = name.substring(PREFIX.length());
                if (attribute.isEmpty()) {
                    throw RequestRejection.invalid("a header named ce- carries no attribute name", 0);
                }
                if (attribute.equals("datacontenttype")) {
                    throw RequestRejection.invalid(
                            "binary mode takes datacontenttype from Content-Type; ce-datacontenttype must not be sent", 0);
                }
                builder.withContextAttribute(attribute, attribute(headers, header));
            }
            for (String required : REQUIRED) {
                if (attribute(headers, PREFIX + required) == null) {
                    throw RequestRejection.invalid("missing header " + PREFIX + required, 0);
                }
            }
            if (body.length > 0) {
                if (contentType != null && JsonData.isJson(MediaType.parse(contentType).essence())) {
                    JsonData.requireValid(body);
                }
                builder.withData(contentType, body);
            } else if (contentType != null) {
                builder.withContextAttribute("datacontenttype", contentType);
            }
            CloudEvent event = builder.build();
            EventChecks.requireNonEmpty(event, 0);
            return event;
        } catch (CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            throw RequestRejection.invalid(binaryMessage(e.getMessage()), 0);
        }
    }

    /** @return the decoded value of a header sent once, or null if absent */
    private static String attribute(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    values = entry.getValue();
                }
            }
        }
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw RequestRejection.invalid("header " + name.toLowerCase(Locale.ROOT) + " is sent more than once", 0);
        }
        try {
            return HeaderValues.decode(values.get(0));
        } catch (IllegalArgumentException e) {
            throw RequestRejection.invalid(name.toLowerCase(Locale.ROOT) + ": " + e.getMessage(), 0);
        }
    }

    private static String binaryMessage(String sdkMessage) {
        return sdkMessage == null ? "invalid binary-mode event" : sdkMessage;
    }
}
