package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailPrinterTest {

    @Test
    void anEventsDataCannotAddMembersToItsLine() throws Exception {
        // Stored safely as data_base64 (no content type, not one JSON value); the SDK's format printed it raw.
        byte[] data = "1,\"source\":\"/evil\",\"admin\":true".getBytes(StandardCharsets.UTF_8);
        CloudEvent event = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/legit"))
                .withType("legit.type").withData(data).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TailPrinter(new PrintStream(out, true, StandardCharsets.UTF_8)).event(7, "cellos.events.acme.v1", event);
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        JsonNode envelope = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .readTree(printed);
        assertEquals(7, envelope.get("stream_sequence").asLong());
        assertEquals("cellos.events.acme.v1", envelope.get("subject").asText());
        String line = envelope.get("event").toString();
        JsonNode json = envelope.get("event");
        assertEquals("/legit", json.get("source").asText());
        assertFalse(json.has("admin"));
        assertArrayEquals(data, new JsonFormat().deserialize(line.getBytes(StandardCharsets.UTF_8))
                .getData().toBytes());
    }

    @Test
    void theSubjectIsEscapedAndTheEventIsTheLastMemberAsWritten() throws Exception {
        CloudEvent event = CloudEventBuilder.v1().withId("e-2").withSource(URI.create("/s")).withType("t").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TailPrinter(new PrintStream(out, true, StandardCharsets.UTF_8)).event(1, "a\",\"event\":{}", event);
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        JsonNode envelope = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .readTree(printed);
        assertEquals("a\",\"event\":{}", envelope.get("subject").asText());
        assertEquals("e-2", envelope.get("event").get("id").asText());
        String written = new String(io.jetconnect.nats.StructuredJson.write(event), StandardCharsets.UTF_8);
        assertEquals(printed.substring(printed.indexOf(",\"event\":") + 9, printed.length() - 1), written);
    }
}
