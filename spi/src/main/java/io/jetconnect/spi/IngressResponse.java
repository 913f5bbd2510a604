package io.jetconnect.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response from an {@link IngressHandler}. Immutable: the headers and the body are copied in, and
 * {@link #body()} hands out a copy. Build one with {@link #json(int, String)} or {@link #builder(int, String)}.
 *
 * <p>Until 0.1 this was a record; the accessors keep their names, and the record's constructor stays (deprecated)
 * so that plugins compiled against it still build. New parts of a response are added to the builder only.
 */
public final class IngressResponse {

    private static final byte[] EMPTY = new byte[0];

    private final int status;
    private final String contentType;
    private final Map<String, String> headers;
    private final byte[] body;

    private IngressResponse(Builder b) {
        this.status = b.status;
        this.contentType = b.contentType;
        this.headers = Map.copyOf(b.headers);
        this.body = b.body;
    }

    /**
     * The record's constructor, kept for plugins built against it.
     *
     * @param status the status code
     * @param contentType the body's media type; not null
     * @param headers further headers; not null
     * @param body the body; not null, may be empty
     * @deprecated use {@link #builder(int, String)}
     */
    @Deprecated(since = "0.2")
    public IngressResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
        this(builder(status, contentType).headers(headers).body(body));
    }

    /**
     * @param status the status code
     * @param contentType the body's media type; not null
     * @return a builder for a response without further headers and with an empty body
     * @since 0.2
     */
    public static Builder builder(int status, String contentType) {
        return new Builder(status, contentType);
    }

    /**
     * @param status the status code
     * @param json a JSON document
     * @return a JSON response
     */
    public static IngressResponse json(int status, String json) {
        return builder(status, "application/json").body(json.getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * @return a builder holding this response
     * @since 0.2
     */
    public Builder toBuilder() {
        return builder(status, contentType).headers(headers).body(body);
    }

    /**
     * @param name the header's name
     * @param value its value
     * @return a copy with one more header, replacing one of the same name
     */
    public IngressResponse withHeader(String name, String value) {
        return toBuilder().header(name, value).build();
    }

    /** @return the status code */
    public int status() {
        return status;
    }

    /** @return the body's media type */
    public String contentType() {
        return contentType;
    }

    /** @return further headers, such as {@code Retry-After}; unmodifiable */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return a copy of the body; may be empty */
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IngressResponse r && status == r.status && contentType.equals(r.contentType)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "IngressResponse[status=" + status + ", contentType=" + contentType + ", headers=" + headers
                + ", body=" + body.length + " bytes]";
    }

    /**
     * Builds {@link IngressResponse}. Not thread-safe.
     *
     * @since 0.2
     */
    public static final class Builder {

        private final int status;
        private final String contentType;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body = EMPTY;

        private Builder(int status, String contentType) {
            this.status = status;
            this.contentType = Objects.requireNonNull(contentType, "contentType");
        }

        /**
         * @param name the header's name
         * @param value its value; replaces one set before under the same name
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param more headers to add; not null, nor any name or value in it */
        public Builder headers(Map<String, String> more) {
            more.forEach(this::header);
            return this;
        }

        /** @param bytes the body; copied, not null */
        public Builder body(byte[] bytes) {
            this.body = bytes.clone();
            return this;
        }

        public IngressResponse build() {
            return new IngressResponse(this);
        }
    }
}
