package io.jetconnect.plugins.http;

import java.util.Locale;

/**
 * A parsed {@code Content-Type}: its {@code type/subtype} in lower case and its {@code charset} parameter, the only
 * parameter the http source looks at (RFC 9110, section 8.3.1).
 */
final class MediaType {

    static final String STRUCTURED_JSON = "application/cloudevents+json";
    static final String BATCH_JSON = "application/cloudevents-batch+json";
    private static final String STRUCTURED_PREFIX = "application/cloudevents";
    private static final String BATCH_PREFIX = "application/cloudevents-batch";

    private final String essence;
    private final String charset;

    private MediaType(String essence, String charset) {
        this.essence = essence;
        this.charset = charset;
    }

    /**
     * @param header a {@code Content-Type} value; not null
     * @return the media type; its essence is empty when the header is
     */
    static MediaType parse(String header) {
        int semicolon = header.indexOf(';');
        String essence = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        String charset = null;
        while (semicolon >= 0) {
            int next = header.indexOf(';', semicolon + 1);
            String parameter = (next < 0 ? header.substring(semicolon + 1) : header.substring(semicolon + 1, next)).trim();
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                charset = unquote(parameter.substring(equals + 1).trim());
            }
            semicolon = next;
        }
        return new MediaType(essence, charset);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** @return whether the binding reads the body in batched mode ({@code application/cloudevents-batch...}) */
    boolean isBatch() {
        return essence.startsWith(BATCH_PREFIX);
    }

    /** @return whether the binding reads the body in structured mode ({@code application/cloudevents...}) */
    boolean isStructured() {
        return !isBatch() && essence.startsWith(STRUCTURED_PREFIX);
    }

    /** @return whether the body is in the JSON event format (single or batch) */
    boolean isJsonFormat() {
        return essence.equals(STRUCTURED_JSON) || essence.equals(BATCH_JSON);
    }

    /** @return whether the charset parameter is absent or UTF-8, the only encoding JSON allows (RFC 8259) */
    boolean isUtf8() {
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }

    String essence() {
        return essence;
    }
}
