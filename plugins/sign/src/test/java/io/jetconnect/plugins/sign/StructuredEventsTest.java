package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StructuredEventsTest {

    private static String raw(String json) {
        byte[] data = StructuredEvents.rawData(json.getBytes(StandardCharsets.UTF_8));
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void rawDataIsTheValueAsWritten() {
        assertEquals("{\"a\": 1,  \"b\": [true, null]}",
                raw("{\"id\":\"1\", \"data\" : {\"a\": 1,  \"b\": [true, null]} , \"type\":\"t\"}"));
        assertEquals("[1, 2,3]", raw("{\"data\":[1, 2,3]}"));
        assertEquals("1.50", raw("{\"type\":\"t\",\"data\":1.50}"));
        assertEquals("1.50", raw("{\"data\":1.50\n}"));
        assertEquals("\"h\\u00e9llo\"", raw("{\"data\":\"h\\u00e9llo\",\"id\":\"1\"}"));
        assertEquals("null", raw("{\"data\":null}"));
        assertEquals("{\"data\":2}", raw("{\"x\":{\"data\":1},\"data\":{\"data\":2}}"), "only the top-level member");
        assertEquals("\"ü\"", raw("{\"data\":\"ü\"}"), "byte offsets, not char offsets");
        assertNull(raw("{\"id\":\"1\"}"));
        assertNull(raw("[1]"));
    }

    @Test
    void jsonDataKeepsItsBytesAndNoContentTypeIsAssumed() {
        CloudEvent event = StructuredEvents.parse(
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\": {\"n\": 1.0} }"
                        .getBytes(StandardCharsets.UTF_8));
        assertNull(event.getDataContentType());
        assertEquals("{\"n\": 1.0}", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void nonJsonDataIsTheStringOrTheBase64Bytes() {
        CloudEvent text = StructuredEvents.parse(("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"text/plain\",\"data\":\"a\\nb\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals("a\nb", new String(text.getData().toBytes(), StandardCharsets.UTF_8));
        CloudEvent binary = StructuredEvents.parse(("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
                + "\"type\":\"t\",\"data_base64\":\"AAE=\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(2, binary.getData().toBytes().length);
    }

    @Test
    void notACloudEventIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StructuredEvents.parse("{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not a CloudEvent"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> StructuredEvents.parse("not json".getBytes(StandardCharsets.UTF_8)));
    }
}
