package com.example.jetconnect;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventContextWriter;
import io.cloudevents.rw.CloudEventWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * Writes a CloudEvent into an HTTP request as the CloudEvents HTTP binding (1.0) describes: in binary mode every
 * attribute becomes a {@code ce-} header (its value percent-encoded where the binding asks for it),
 * {@code datacontenttype} becomes {@code Content-Type} and the data is the body; in structured mode the body is the
 * event in the JSON format, {@code application/cloudevents+json}. The SDK's reader walks the event's attributes and
 * converts their values to text (times in RFC 3339, binary values in Base64).
 */
final class HttpBinding {

    static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE + "; charset=utf-8";

    private static final JsonFormat JSON = new JsonFormat();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HttpBinding() {
    }

    /** Sets the headers and the body of {@code request} for {@code event}, in binary mode. */
    static HttpRequest.Builder binary(CloudEvent event, HttpRequest.Builder request) {
        return CloudEventUtils.toReader(event).read(version -> new BinaryWriter(version, request));
    }

    /** Sets the content type and the body of {@code request} for {@code event}, in structured mode. */
    static HttpRequest.Builder structured(CloudEvent event, HttpRequest.Builder request) {
        return request.header("Content-Type", STRUCTURED_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.serialize(event)));
    }

    /**
     * Percent-encodes a header value as the binding requires: printable ASCII stays as it is, except {@code "} and
     * {@code %}; a space and everything else becomes the {@code %XX} of each of its UTF-8 bytes.
     */
    static String headerValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte raw : value.getBytes(StandardCharsets.UTF_8)) {
            int b = raw & 0xFF;
            if (b > 0x20 && b < 0x7F && b != '"' && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }

    /** Receives the attributes from the SDK's reader, then the data. */
    private static final class BinaryWriter implements CloudEventWriter<HttpRequest.Builder> {

        private final HttpRequest.Builder request;

        BinaryWriter(SpecVersion version, HttpRequest.Builder request) {
            this.request = request.header("ce-specversion", version.toString());
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            if (name.equals("datacontenttype")) {
                request.header("Content-Type", value);
            } else {
                request.header("ce-" + name, headerValue(value));
            }
            return this;
        }

        @Override
        public HttpRequest.Builder end(CloudEventData data) {
            return request.POST(HttpRequest.BodyPublishers.ofByteArray(data.toBytes()));
        }

        @Override
        public HttpRequest.Builder end() {
            return request.POST(HttpRequest.BodyPublishers.noBody());
        }
    }
}
