package io.jetconnect.spi;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response from an {@link IngressHandler}. Immutable.
 *
 * @param status the status code
 * @param contentType the body's media type
 * @param headers further headers, such as {@code Retry-After}
 * @param body the body; may be empty
 */
public record IngressResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    /**
     * Copies the headers and the body, so that the response stays immutable.
     *
     * @param status the status code
     * @param contentType the body's media type; not null
     * @param headers further headers; not null
     * @param body the body; not null, may be empty
     */
    public IngressResponse {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** @return a copy of the body */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * @param status the status code
     * @param json a JSON document
     * @return a JSON response
     */
    public static IngressResponse json(int status, String json) {
        return new IngressResponse(status, "application/json", Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param name the header's name
     * @param value its value
     * @return a copy with one more header, replacing one of the same name
     */
    public IngressResponse withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new IngressResponse(status, contentType, more, body);
    }
}
