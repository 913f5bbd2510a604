package io.jetconnect.plugins.jetstream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.jetconnect.spi.IngressRequest;
import io.jetconnect.nats.DataMember;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Random ingest requests in the three modes of the HTTP binding (structured, batched, binary), each with the events
 * it sends: attributes with their values as sent, and data as bytes (a JSON value's text as written, a string's
 * UTF-8, {@code data_base64} decoded, a binary-mode body). Attribute values mix quotes, backslashes, control
 * characters, percent signs and characters beyond ASCII and the BMP; data is JSON of every kind, arbitrary bytes,
 * text, and the attribute injections of the conformance issue.
 */
final class RandomRequests {

    enum Mode { STRUCTURED, BATCH, BINARY }

    /** An event as sent: attributes by name (String, Integer or Boolean; specversion included), data or null. */
    /** @param base64 whether its data went as data_base64 (1.0) or base64-encoded data (0.3) */
    record SentEvent(Map<String, Object> attributes, byte[] data, boolean base64) {

        String contentType() {
            return (String) attributes.get("datacontenttype");
        }
    }

    /** A request, the events it sends, and its text for a failure message. */
    record Sent(Mode mode, Request request, List<SentEvent> events, String description) {
    }

    record Request(Map<String, List<String>> headers, byte[] bytes) implements IngressRequest {

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String path() {
            return "/events";
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private static final List<String> CONTENT_TYPES = List.of("application/json", "APPLICATION/JSON",
            "application/json; charset=utf-8", "application/vnd.example+json", "Application/Problem+JSON", "text/json",
            "text/plain", "text/plain; charset=utf-8", "application/octet-stream", "application/xml", "image/png");
    private static final List<String> SOURCES = List.of("/s", "/legit", "https://example.com/a?b=c&d", "urn:x:y",
            "/p%20q", "rel/path", "//host/x");
    private static final List<String> RESERVED = List.of("specversion", "id", "source", "type", "datacontenttype",
            "dataschema", "subject", "time", "data", "data_base64", "schemaurl", "datacontentencoding");
    private static final String[] INJECTIONS = {
        "1,\"source\":\"/evil\",\"type\":\"evil.type\",\"admin\":true", "hello world", "{\"a\":1},\"source\":\"/evil\"",
        "\"x\"}", "} , {", "1 2", "{}{}", "[1]]", "\"unterminated", "null,\"id\":\"2\""};
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private final Random random;

    RandomRequests(long seed) {
        this.random = new Random(seed);
    }

    Sent next() {
        Mode mode = Mode.values()[random.nextInt(3)];
        boolean v03 = random.nextInt(5) == 0;
        return switch (mode) {
            case BINARY -> binary(v03);
            case STRUCTURED -> {
                StringBuilder json = new StringBuilder();
                SentEvent event = structured(v03, json);
                yield new Sent(mode, request("application/cloudevents+json", json.toString()), List.of(event),
                        json.toString());
            }
            case BATCH -> {
                StringBuilder json = new StringBuilder("[");
                List<SentEvent> events = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    json.append(i == 0 ? "" : ",").append(ws());
                    events.add(structured(v03, json));
                }
                json.append(ws()).append(']');
                yield new Sent(mode, request("application/cloudevents-batch+json", json.toString()), events,
                        json.toString());
            }
        };
    }

    private static Request request(String contentType, String body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(contentType));
        return new Request(headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> attributes(boolean v03, boolean stringsOnly) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("specversion", v03 ? "0.3" : "1.0");
        attributes.put("id", text(1));
        attributes.put("source", SOURCES.get(random.nextInt(SOURCES.size())));
        attributes.put("type", text(1));
        if (random.nextBoolean()) {
            attributes.put("subject", text(1));
        }
        if (!v03 && random.nextInt(4) == 0) {
            attributes.put("dataschema", "https://example.com/schemas/" + random.nextInt(100));
        }
        if (random.nextInt(3) > 0) {
            attributes.put("datacontenttype", CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size())));
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            String name = extensionName();
            Object value = switch (stringsOnly ? 0 : random.nextInt(3)) {
                case 0 -> text(0);
                case 1 -> random.nextInt();
                default -> random.nextBoolean();
            };
            attributes.put(name, value);
        }
        return attributes;
    }

    private String extensionName() {
        while (true) {
            StringBuilder name = new StringBuilder();
            for (int i = 1 + random.nextInt(8); i > 0; i--) {
                name.append("abcxyz019".charAt(random.nextInt(9)));
            }
            if (!RESERVED.contains(name.toString())) {
                return name.toString();
            }
        }
    }

    private Sent binary(boolean v03) {
        Map<String, Object> attributes = attributes(v03, true);
        String contentType = (String) attributes.get("datacontenttype");
        byte[] body = data();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            if (!attribute.getKey().equals("datacontenttype")) {
                String encoded = EventEncoder.percentEncode((String) attribute.getValue()).replace("\\", "%5C");
                headers.put(caseOf("ce-" + attribute.getKey()), List.of(encoded));
            }
        }
        if (contentType != null) {
            headers.put("content-type", List.of(contentType));
        }
        byte[] data = body.length == 0 ? null : body;
        return new Sent(Mode.BINARY, new Request(headers, body), List.of(new SentEvent(attributes, data, false)),
                headers + " " + Base64.getEncoder().encodeToString(body));
    }

    /** The header names as a client may spell them; the request's map is what the runtime hands the source. */
    private String caseOf(String name) {
        return random.nextBoolean() ? name : name.toUpperCase(Locale.ROOT);
    }

    /** Appends one event object in the JSON format; returns what it sends. */
    private SentEvent structured(boolean v03, StringBuilder json) {
        Map<String, Object> attributes = attributes(v03, false);
        String contentType = (String) attributes.get("datacontenttype");
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            json.append(first ? "" : ",").append(ws()).append(quote(attribute.getKey())).append(ws()).append(':')
                    .append(ws());
            Object value = attribute.getValue();
            json.append(value instanceof String s ? quote(s) : value.toString());
            first = false;
        }
        if (random.nextInt(6) == 0) {
            String name = extensionName();
            if (!attributes.containsKey(name)) {
                json.append(",\"").append(name).append("\":null"); // null: absent
            }
        }
        byte[] data = null;
        boolean base64 = false;
        switch (random.nextInt(3)) {
            case 0 -> {
                // none
            }
            case 1 -> {
                data = randomBytes();
                base64 = true;
                String encoded = Base64.getEncoder().encodeToString(data);
                json.append(v03 ? ",\"datacontentencoding\":\"base64\",\"data\":" : ",\"data_base64\":")
                        .append(ws()).append('"').append(encoded).append('"');
            }
            default -> {
                String value;
                if (contentType == null || DataMember.declaresJson(contentType)) {
                    value = jsonValue(0);
                    data = value.getBytes(StandardCharsets.UTF_8);
                } else {
                    String text = text(0);
                    value = quote(text);
                    data = text.getBytes(StandardCharsets.UTF_8);
                }
                json.append(",\"data\":").append(ws()).append(value).append(ws());
            }
        }
        json.append('}');
        return new SentEvent(attributes, data, base64);
    }

    /** @return a binary-mode body: JSON, text, an injection, arbitrary bytes, or nothing */
    private byte[] data() {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> (ws() + jsonValue(0) + ws()).getBytes(StandardCharsets.UTF_8);
            case 2 -> jsonValue(0).getBytes(StandardCharsets.UTF_8);
            case 3 -> INJECTIONS[random.nextInt(INJECTIONS.length)].getBytes(StandardCharsets.UTF_8);
            case 4 -> text(1).getBytes(StandardCharsets.UTF_8);
            default -> randomBytes();
        };
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(24)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** @return JSON text of one value, with whitespace between its tokens but not around it */
    private String jsonValue(int depth) {
        int kind = random.nextInt(depth > 2 ? 5 : 7);
        return switch (kind) {
            case 0 -> quote(text(0));
            case 1 -> List.of("0", "-0", "1.50", "1e3", "-2.5E-2", "12345678901234567890", "42").get(random.nextInt(7));
            case 2 -> "true";
            case 3 -> "false";
            case 4 -> "null";
            case 5 -> {
                StringBuilder array = new StringBuilder("[").append(ws());
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.append(jsonValue(depth + 1)).append(ws()).append(i > 1 ? "," + ws() : "");
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{").append(ws());
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    object.append(quote("k" + i + text(0))).append(ws()).append(':').append(ws())
                            .append(jsonValue(depth + 1)).append(ws()).append(i < n - 1 ? "," + ws() : "");
                }
                yield object.append('}').toString();
            }
        };
    }

    private String ws() {
        return switch (random.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n\t ";
            case 2 -> "\r\n";
            default -> "";
        };
    }

    /** @return a string of at least {@code min} characters: letters, JSON specials, controls, and beyond ASCII */
    private String text(int min) {
        StringBuilder out = new StringBuilder();
        for (int i = min + random.nextInt(10); i > 0; i--) {
            switch (random.nextInt(10)) {
                case 0 -> out.append('"');
                case 1 -> out.append('\\');
                case 2 -> out.append((char) random.nextInt(0x20));
                case 3 -> out.append("é€ß".charAt(random.nextInt(3)));
                case 4 -> out.append("😀");
                case 5 -> out.append(" %,:{}[]".charAt(random.nextInt(8)));
                default -> out.append((char) ('a' + random.nextInt(26)));
            }
        }
        return out.toString();
    }

    private static String quote(String s) {
        return '"' + new String(ESCAPER.quoteAsString(s)) + '"';
    }
}
