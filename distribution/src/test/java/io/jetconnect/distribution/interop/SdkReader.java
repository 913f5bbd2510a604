package io.jetconnect.distribution.interop;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import io.cloudevents.http.HttpMessageFactory;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a stored NATS message into a CloudEvent with the CloudEvents SDK alone, not with jetconnect's reader:
 * structured mode ({@code content-type: application/cloudevents+json}) with the SDK's {@link JsonFormat}; binary
 * mode with the SDK's generic binary message reader (its HTTP binding's, which maps {@code ce-} headers and
 * {@code Content-Type} as the NATS binding does), given the {@code ce-} values percent-decoded as the NATS binding
 * asks. No content type is assumed where the event has none.
 */
final class SdkReader {

    static final JsonFormat FORMAT = new JsonFormat(JsonFormatOptions.builder()
            .disableDataContentTypeDefaulting(true).build());

    private SdkReader() {
    }

    static CloudEvent read(Message message) {
        Headers headers = message.getHeaders();
        String contentType = first(headers, "content-type");
        byte[] body = message.getData() == null ? new byte[0] : message.getData();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(JsonFormat.CONTENT_TYPE)) {
            return FORMAT.deserialize(body);
        }
        return HttpMessageFactory.createReader(each -> {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                String name = header.getKey();
                String value = header.getValue().get(0);
                each.accept(name, name.regionMatches(true, 0, "ce-", 0, 3) ? percentDecode(value) : value);
            }
        }, body.length == 0 ? null : body).toEvent();
    }

    private static String first(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    /** RFC 3986 percent-decoding as UTF-8 ({@code URLDecoder} would also turn {@code +} into a space). */
    private static String percentDecode(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0
                    && Character.digit(bytes[i + 2], 16) >= 0) {
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
