package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StructuredReaderTest {

    private static String raw(String json) {
        byte[] data = StructuredReader.rawData(json.getBytes(StandardCharsets.UTF_8));
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void rawDataIsTheTopLevelValueAsWritten() {
        assertEquals("{\"a\": 1,  \"b\": [true, null]}",
                raw("{\"id\":\"1\", \"data\" : {\"a\": 1,  \"b\": [true, null]} , \"type\":\"t\"}"));
        assertEquals("[1, 2,3]", raw("{\"data\":[1, 2,3]}"));
        assertEquals("1.50", raw("{\"type\":\"t\",\"data\":1.50}"));
        assertEquals("1.50", raw("{\"data\":1.50\n}"));
        assertEquals("\"h\\u00e9llo\"", raw("{\"data\":\"h\\u00e9llo\",\"id\":\"1\"}"));
        assertEquals("null", raw("{\"data\":null}"));
        assertEquals("true", raw("{\"data\":true }"));
        assertEquals("{\"data\":2}", raw("{\"x\":{\"data\":1},\"data\":{\"data\":2}}"), "only the top-level member");
        assertEquals("\"ü\"", raw("{\"data\":\"ü\"}"), "byte offsets, not char offsets");
        assertNull(raw("{\"id\":\"1\"}"));
        assertNull(raw("[1]"));
    }

    @Test
    void base64DataIsItsBytes() throws Exception {
        CloudEvent event = StructuredReader.read(("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
                + "\"type\":\"t\",\"data_base64\":\"AP8=\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(2, event.getData().toBytes().length);
        assertEquals((byte) 0xff, event.getData().toBytes()[1]);
    }

    private static CloudEvent read(String contentType, String data) throws Exception {
        return StructuredReader.read(("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"" + contentType + "\",\"subject\":\"after\",\"data\":" + data + ",\"x\":\"y\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonValueIsDataUnderEveryJsonContentTypeTheSdkPatternMisses() throws Exception {
        // The SDK's pattern refuses object data under these; the JSON format calls them JSON (*/*+json, any case).
        for (String type : new String[] {"application/vnd.acme.order+json", "APPLICATION/JSON",
                "application/problem+json; charset=utf-8"}) {
            CloudEvent event = read(type, "{\"total\": 42, \"items\":[1, 2.50]}");
            assertEquals("{\"total\": 42, \"items\":[1, 2.50]}",
                    new String(event.getData().toBytes(), StandardCharsets.UTF_8), type);
            assertEquals(type, event.getDataContentType());
            assertEquals("after", event.getSubject(), "attributes after data are read");
            assertEquals("y", event.getExtension("x"));
        }
    }

    @Test
    void aJsonValueUnderANonJsonContentTypeIsStillRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(InvalidMessageException.class,
                () -> read("text/plain", "{\"a\":1}"));
    }
}
