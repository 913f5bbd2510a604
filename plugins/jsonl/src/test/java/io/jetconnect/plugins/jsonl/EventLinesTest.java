package io.jetconnect.plugins.jsonl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventLinesTest {

    /** Refuses repeated member names, as a strict reader of the line would. */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static CloudEvent event(String contentType, String data) {
        return CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/legit")).withType("legit.type")
                .withData(contentType, data.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static byte[] json(byte[] line) {
        assertEquals('\n', line[line.length - 1]);
        byte[] json = Arrays.copyOf(line, line.length - 1);
        for (byte b : json) {
            assertFalse(b == '\n', "one line");
        }
        return json;
    }

    @Test
    void dataThatIsNotOneJsonValueCannotAddMembersToTheLine() throws Exception {
        // The SDK's JsonFormat copied such bytes raw after "data": and the line then said source=/evil.
        CloudEvent sent = event(null, "1,\"source\":\"/evil\",\"type\":\"evil.type\",\"admin\":true");
        byte[] json = json(new EventLines().encode(sent));
        JsonNode line = STRICT.readTree(json);
        assertEquals("/legit", line.get("source").asText());
        assertEquals("legit.type", line.get("type").asText());
        assertFalse(line.has("admin"));
        assertFalse(line.has("datacontenttype"), "no attribute added");
        CloudEvent read = new JsonFormat().deserialize(json);
        assertArrayEquals(sent.getData().toBytes(), read.getData().toBytes());
    }

    @Test
    void declaredJsonDataIsKeptAsAJsonValue() throws Exception {
        byte[] json = json(new EventLines().encode(event("application/json", "{\"total\":42}")));
        assertEquals(42, STRICT.readTree(json).get("data").get("total").asInt());
    }
}
