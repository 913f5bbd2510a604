package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.impl.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageEventsTest {

    private final MessageEvents events = new MessageEvents();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsStructuredMode() throws InvalidMessage {
        CloudEvent original = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/orders"))
                .withType("order.created").withExtension("tenant", "acme")
                .withData("application/json", utf8("{\"n\":1}")).build();
        Headers headers = new Headers().put("Content-Type", "application/cloudevents+json; charset=utf-8");
        CloudEvent read = events.read(headers, new JsonFormat().serialize(original));
        assertEquals("e-1", read.getId());
        assertEquals("acme", read.getExtension("tenant"));
        assertEquals("application/json", read.getDataContentType());
    }

    @Test
    void jsonDataIsTheBytesOfItsValueAsStoredNotARewrittenTree() throws InvalidMessage {
        String data = "{ \"price\" : 1.10, \"big\": 1e400,\n \"s\": \"a\\u0041\" }";
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\": " + data + " ,\"ext\":\"v\"}");
        CloudEvent read = events.read(new Headers().put("content-type", "application/cloudevents+json"), body);
        assertEquals(data, new String(read.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals("v", read.getExtension("ext"));
        assertEquals("[1,\"two\"]", new String(MessageEvents.rawData(utf8("{\"data\":[1,\"two\"]}")),
                StandardCharsets.UTF_8));
        assertEquals("\"text\"", new String(MessageEvents.rawData(utf8("{\"a\":{\"data\":1},\"data\":\"text\"}")),
                StandardCharsets.UTF_8), "the top-level member, not a nested one");
    }

    @Test
    void aMessageWithoutHeadersIsStructuredAsBeforeNatsHadHeaders() throws InvalidMessage {
        CloudEvent read = events.read(null,
                utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\",\"data\":\"hi\"}"));
        assertEquals("x", read.getId());
        assertNull(read.getDataContentType(), "no content type is assumed");
    }

    @Test
    void readsBinaryModeWithPercentEncodedValues() throws InvalidMessage {
        Headers headers = new Headers()
                .put("ce-specversion", "1.0")
                .put("ce-id", "id%20with%20spaces")
                .put("CE-Source", "/sensors/%C3%A9t%C3%A9")
                .put("ce-type", "reading")
                .put("ce-datacontenttype", "text/plain")
                .put("content-type", "text/plain")
                .put("ce-tenant", "acme")
                .put("Nats-Msg-Id", "id with spaces");
        CloudEvent read = events.read(headers, utf8("21.5"));
        assertEquals("id with spaces", read.getId());
        assertEquals(URI.create("/sensors/%C3%A9t%C3%A9").getPath(), read.getSource().getPath());
        assertEquals("text/plain", read.getDataContentType());
        assertEquals("acme", read.getExtension("tenant"));
        assertArrayEquals(utf8("21.5"), read.getData().toBytes());
    }

    @Test
    void binaryModeTakesContentTypeForDatacontenttype() throws InvalidMessage {
        Headers headers = new Headers().put("ce-specversion", "1.0").put("ce-id", "1").put("ce-source", "/s")
                .put("ce-type", "t").put("content-type", "application/json");
        assertEquals("application/json", events.read(headers, utf8("{}")).getDataContentType());
    }

    @Test
    void refusesWhatIsNoCloudEvent() {
        Headers structured = new Headers().put("content-type", "application/cloudevents+json");
        assertEquals(InvalidMessage.STRUCTURED,
                assertThrows(InvalidMessage.class, () -> events.read(structured, utf8("{\"id\":1}"))).reason());
        assertEquals(InvalidMessage.STRUCTURED,
                assertThrows(InvalidMessage.class, () -> events.read(null, utf8("not json"))).reason());
        assertEquals(InvalidMessage.STRUCTURED,
                assertThrows(InvalidMessage.class, () -> events.read(null, new byte[0])).reason());
        assertEquals(InvalidMessage.STRUCTURED,
                assertThrows(InvalidMessage.class, () -> events.read(structured, utf8("null"))).reason());
        assertEquals(InvalidMessage.STRUCTURED, assertThrows(InvalidMessage.class, () -> events.read(structured,
                utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\"} {}"))).reason());
        Headers avro = new Headers().put("content-type", "application/cloudevents+avro");
        assertEquals(InvalidMessage.FORMAT,
                assertThrows(InvalidMessage.class, () -> events.read(avro, utf8("x"))).reason());
        Headers batch = new Headers().put("content-type", "application/cloudevents-batch+json");
        assertEquals(InvalidMessage.FORMAT,
                assertThrows(InvalidMessage.class, () -> events.read(batch, utf8("[]"))).reason());
        Headers plain = new Headers().put("content-type", "text/plain");
        assertEquals(InvalidMessage.BINARY,
                assertThrows(InvalidMessage.class, () -> events.read(plain, utf8("hello"))).reason());
        Headers noId = new Headers().put("ce-specversion", "1.0").put("ce-source", "/s").put("ce-type", "t");
        assertEquals(InvalidMessage.BINARY,
                assertThrows(InvalidMessage.class, () -> events.read(noId, utf8("x"))).reason());
        Headers badVersion = new Headers().put("ce-specversion", "9.9").put("ce-id", "1");
        assertEquals(InvalidMessage.BINARY,
                assertThrows(InvalidMessage.class, () -> events.read(badVersion, utf8("x"))).reason());
    }

    @Test
    void decodesOnlyValidPercentEscapes() {
        assertEquals("a b", MessageEvents.decode("a%20b"));
        assertEquals("100%", MessageEvents.decode("100%"));
        assertEquals("%zz", MessageEvents.decode("%zz"));
        assertEquals("é", MessageEvents.decode("%C3%A9"));
    }
}
