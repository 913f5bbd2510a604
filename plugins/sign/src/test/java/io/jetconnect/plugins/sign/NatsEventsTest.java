package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class NatsEventsTest {

    @Test
    void binaryModeMapsCeHeadersCaseInsensitivelyAndPercentDecodes() {
        Headers headers = new Headers()
                .put("ce-specversion", "1.0")
                .put("CE-ID", "1")
                .put("ce-source", "/s")
                .put("ce-type", "t")
                .put("ce-time", "2025-03-01T12:00:00.5Z")
                .put("ce-subject", "gr%C3%BC%C3%9Fe%20%22x%22%25")
                .put("ce-tenant", "\"acme \\\"corp\\\"\"")
                .put("ce-datacontenttype", "application/json")
                .put("Content-Type", "text/plain")
                .put("Nats-Msg-Id", "1");
        CloudEvent event = NatsEvents.read(headers, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("1", event.getId());
        assertEquals("grüße \"x\"%", event.getSubject());
        assertEquals("acme \"corp\"", event.getExtension("tenant"));
        assertEquals(OffsetDateTime.parse("2025-03-01T12:00:00.5Z"), event.getTime());
        assertEquals("application/json", event.getDataContentType(), "ce-datacontenttype wins over Content-Type");
        assertNull(event.getExtension("nats-msg-id"));
        assertEquals("{}", new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void contentTypeStandsInForAMissingDataContentTypeAndEmptyPayloadIsNoData() {
        Headers headers = new Headers().put("ce-specversion", "1.0").put("ce-id", "1").put("ce-source", "/s")
                .put("ce-type", "t").put("content-type", "text/plain");
        CloudEvent event = NatsEvents.read(headers, new byte[0]);
        assertEquals("text/plain", event.getDataContentType());
        assertNull(event.getData());
    }

    @Test
    void structuredModeIsChosenByContentTypeOrByTheAbsenceOfCeHeaders() {
        CloudEvent original = TestEvents.json("1");
        byte[] json = new JsonFormat().serialize(original);
        CloudEvent structured = NatsEvents.read(new Headers().put("Content-Type", JsonFormat.CONTENT_TYPE), json);
        assertEquals("1", structured.getId());
        assertEquals("acme", structured.getExtension("tenant"));
        assertEquals("1", NatsEvents.read(null, json).getId(), "no headers: structured, as before NATS 2.2");
    }

    @Test
    void otherMessagesAreNotCloudEvents() {
        assertThrows(IllegalArgumentException.class, () -> NatsEvents.read(new Headers().put("x", "y"), new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> NatsEvents.read(null, "plain text".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> NatsEvents.read(
                new Headers().put("ce-specversion", "9.9").put("ce-id", "1"), new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> NatsEvents.read(
                new Headers().put("ce-specversion", "1.0").put("ce-id", "1"), new byte[0]), "source and type missing");
    }

    @Test
    void decodingLeavesStrayPercentSignsAlone() {
        assertEquals("100%", NatsEvents.decode("100%"));
        assertEquals("%zz", NatsEvents.decode("%zz"));
        assertEquals("é", NatsEvents.decode("%c3%a9"));
    }
}
