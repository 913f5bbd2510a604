package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as JSON data; the rest of the layer is exercised through {@link RedactDecoratorTest}. */
class RedactingSinkTest {

    private static final byte[] OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TEXT = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void jsonMediaTypes() {
        for (String type : List.of("application/json", "APPLICATION/JSON", "application/json; charset=utf-8",
                " application/json ;charset=utf-8", "text/json", "application/cloudevents+json",
                "application/vnd.example.order+json;v=2", "application/merge-patch+json")) {
            assertTrue(RedactingSink.isJson(type, TEXT), type);
        }
    }

    @Test
    void otherMediaTypes() {
        for (String type : List.of("text/plain", "application/xml", "application/jsonx", "application/x-ndjson",
                "application/json-seq", "+json", "application/octet-stream", "")) {
            assertFalse(RedactingSink.isJson(type, OBJECT), type);
        }
    }

    @Test
    void absentContentTypeLooksAtTheData() {
        for (String data : List.of("{\"a\":1}", "  [1]", "\n\"s\"", "\uFEFF{}")) {
            assertTrue(RedactingSink.isJson(null, data.getBytes(StandardCharsets.UTF_8)), data);
        }
        for (String data : List.of("hello", "42", "true", "", "   ", "<xml/>")) {
            assertFalse(RedactingSink.isJson(null, data.getBytes(StandardCharsets.UTF_8)), data);
        }
    }
}
