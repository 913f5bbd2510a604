package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.jetconnect.spi.IngressResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Builds the JSON answers of the ingress endpoint: {@code {"accepted": n}} and {@code {"error": "...", "index": i}}.
 * Error texts are capped so that an answer never echoes a large payload back.
 */
final class Replies {

    /** The most characters of any error text that reach a client. */
    static final int MAX_ERROR_CHARS = 200;

    private static final JsonFactory JSON = new JsonFactory();
    private static final String CONTENT_TYPE = "application/json";

    private Replies() {
    }

    static IngressResponse accepted(int count) {
        return IngressResponse.json(202, "{\"accepted\":" + count + "}");
    }

    static IngressResponse error(int status, String message) {
        return write(status, message, RequestRejection.NO_INDEX);
    }

    static IngressResponse error(int status, String message, int index) {
        return write(status, message, index);
    }

    static IngressResponse internalError() {
        return IngressResponse.json(500, "{\"error\":\"internal error\"}");
    }

    /** @return a 503 whose {@code Retry-After} is {@code retryAfter} in whole seconds, rounded up, at least 1 */
    static IngressResponse unavailable(String message, Duration retryAfter) {
        return error(503, message).withHeader("Retry-After", Long.toString(retryAfterSeconds(retryAfter)));
    }

    static long retryAfterSeconds(Duration retryAfter) {
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            return 1;
        }
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /** @return {@code text} cut to {@link #MAX_ERROR_CHARS} characters, never splitting a surrogate pair */
    static String cap(String text) {
        if (text == null || text.isBlank()) {
            return "invalid request";
        }
        if (text.length() <= MAX_ERROR_CHARS) {
            return text;
        }
        int end = MAX_ERROR_CHARS - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }

    private static IngressResponse write(int status, String message, int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + MAX_ERROR_CHARS);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("error", cap(message));
            if (index != RequestRejection.NO_INDEX) {
                json.writeNumberField("index", index);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return IngressResponse.builder(status, CONTENT_TYPE).body(out.toByteArray()).build();
    }
}
