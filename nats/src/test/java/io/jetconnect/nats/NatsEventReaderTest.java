package io.jetconnect.nats;

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
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class NatsEventReaderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Headers binary(String id) {
        return new Headers().put("ce-specversion", "1.0").put("ce-id", id).put("ce-source", "/s").put("ce-type", "t");
    }

    private static String reason(Headers headers, byte[] body) {
        return assertThrows(InvalidMessageException.class, () -> NatsEventReader.read(headers, body)).reason();
    }

    @Test
    void readsStructuredModeWithContentTypeParameters() throws Exception {
        CloudEvent original = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("/orders"))
                .withType("order.created").withExtension("tenant", "acme")
                .withData("application/json", utf8("{\"n\":1}")).build();
        Headers headers = new Headers().put("Content-Type", "Application/CloudEvents+JSON; charset=utf-8");
        CloudEvent read = NatsEventReader.read(headers, new JsonFormat().serialize(original));
        assertEquals(original, read);
    }

    @Test
    void structuredJsonDataIsTheBytesOfItsValueAsStoredNotARewrittenTree() throws Exception {
        String data = "{ \"price\" : 1.10, \"big\": 1e400,\n \"s\": \"a\\u0041\" }";
        byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\": " + data + " ,\"ext\":\"v\"}");
        CloudEvent read = NatsEventReader.read(new Headers().put("content-type", NatsHeaders.STRUCTURED_JSON), body);
        assertEquals(data, new String(read.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals("v", read.getExtension("ext"));
    }

    @Test
    void aMessageWithoutHeadersIsStructuredAndNoContentTypeIsAssumed() throws Exception {
        CloudEvent read = NatsEventReader.read(null,
                utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}}"));
        assertEquals("x", read.getId());
        assertNull(read.getDataContentType());
        assertEquals("{\"a\":1}", new String(read.getData().toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void binaryModePercentDecodesCeHeadersMatchedCaseInsensitively() throws Exception {
        Headers headers = new Headers()
                .put("ce-specversion", "1.0")
                .put("CE-ID", "id%20with%20spaces")
                .put("Ce-Source", "/sensors/%C3%A9t%C3%A9")
                .put("ce-type", "reading")
                .put("ce-time", "2025-03-01T12:00:00.5Z")
                .put("ce-subject", "gr%C3%BC%C3%9Fe%20%22x%22%25")
                .put("ce-tenant", "acme")
                .put("Nats-Msg-Id", "id%20with%20spaces");
        CloudEvent read = NatsEventReader.read(headers, utf8("21.5"));
        assertEquals("id with spaces", read.getId());
        assertEquals(URI.create("/sensors/été"), read.getSource());
        assertEquals("grüße \"x\"%", read.getSubject());
        assertEquals(OffsetDateTime.parse("2025-03-01T12:00:00.5Z"), read.getTime());
        assertEquals("acme", read.getExtension("tenant"));
        assertNull(read.getExtension("nats-msg-id"));
        assertNull(read.getDataContentType(), "no Content-Type: none assumed");
        assertArrayEquals(utf8("21.5"), read.getData().toBytes());
    }

    @Test
    void binaryModeTakesContentTypeAsItIsParametersIncluded() throws Exception {
        Headers headers = binary("1").put("Content-Type", "text/plain; charset=\"utf-8\"; x=100%25");
        CloudEvent read = NatsEventReader.read(headers, utf8("hi"));
        assertEquals("text/plain; charset=\"utf-8\"; x=100%25", read.getDataContentType(), "not percent-decoded");
        assertEquals(1, read.getAttributeNames().stream().filter("datacontenttype"::equals).count());
    }

    @Test
    void aLegacyCeDatacontenttypeIsOneAttributeAndWinsOverItsEncodedContentType() throws Exception {
        // As earlier builds wrote binary mode: both headers, both percent-encoded.
        Headers headers = binary("1")
                .put("ce-datacontenttype", "text/plain;%20charset=utf-8")
                .put("content-type", "text/plain;%20charset=utf-8");
        CloudEvent read = NatsEventReader.read(headers, utf8("hi"));
        assertEquals("text/plain; charset=utf-8", read.getDataContentType());
        assertNull(read.getExtension("datacontenttype"), "an attribute, not an extension");
        assertEquals(1, read.getAttributeNames().stream().filter("datacontenttype"::equals).count());
        String json = new String(new JsonFormat().serialize(read), StandardCharsets.UTF_8);
        assertEquals(json.indexOf("\"datacontenttype\""), json.lastIndexOf("\"datacontenttype\""), json);
    }

    @Test
    void binaryDataBytesAreKeptRawAndAnEmptyBodyIsNoData() throws Exception {
        byte[] bytes = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        Headers headers = binary("1").put("content-type", "application/octet-stream");
        assertArrayEquals(bytes, NatsEventReader.read(headers, bytes).getData().toBytes());
        assertNull(NatsEventReader.read(binary("2"), new byte[0]).getData());
        assertNull(NatsEventReader.read(binary("3"), null).getData());
    }

    @Test
    void binaryExtensionsReadAsTheirCanonicalStrings() throws Exception {
        Headers headers = binary("1").put("ce-count", "42").put("ce-flag", "true")
                .put("ce-link", "https://example.com/a%20b").put("ce-at", "2025-01-01T00:00:00Z")
                .put("ce-blob", "AAE=");
        CloudEvent read = NatsEventReader.read(headers, null);
        assertEquals("42", read.getExtension("count"));
        assertEquals("true", read.getExtension("flag"));
        assertEquals("https://example.com/a b", read.getExtension("link"));
        assertEquals("2025-01-01T00:00:00Z", read.getExtension("at"));
        assertEquals("AAE=", read.getExtension("blob"));
    }

    @Test
    void refusesWhatIsNoCloudEventWithAReason() {
        Headers structured = new Headers().put("content-type", NatsHeaders.STRUCTURED_JSON);
        assertEquals(InvalidMessageException.STRUCTURED, reason(structured, utf8("{\"id\":1}")));
        assertEquals(InvalidMessageException.STRUCTURED, reason(null, utf8("not json")));
        assertEquals(InvalidMessageException.STRUCTURED, reason(null, new byte[0]));
        assertEquals(InvalidMessageException.STRUCTURED, reason(new Headers().put("x", "y"), new byte[0]));
        assertEquals(InvalidMessageException.STRUCTURED, reason(structured, utf8("null")));
        assertEquals(InvalidMessageException.STRUCTURED, reason(structured,
                utf8("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"t\"} {}")));
        assertEquals(InvalidMessageException.FORMAT,
                reason(new Headers().put("content-type", "application/cloudevents+avro"), utf8("x")));
        assertEquals(InvalidMessageException.FORMAT,
                reason(new Headers().put("content-type", "application/cloudevents-batch+json"), utf8("[]")));
        assertEquals(InvalidMessageException.BINARY,
                reason(new Headers().put("content-type", "text/plain"), utf8("hello")));
        assertEquals(InvalidMessageException.BINARY,
                reason(new Headers().put("ce-id", "1").put("ce-source", "/s"), utf8("{}")));
        assertEquals(InvalidMessageException.BINARY,
                reason(new Headers().put("ce-specversion", "1.0").put("ce-source", "/s").put("ce-type", "t"),
                        utf8("x")));
        assertEquals(InvalidMessageException.BINARY, reason(binary("1").put("ce-time", "yesterday"), null));
        assertEquals(InvalidMessageException.BINARY,
                reason(new Headers().put("ce-specversion", "9.9").put("ce-id", "1"), utf8("x")));
    }

    @Test
    void aReasonQuotesNothingOfTheMessage() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> NatsEventReader.read(
                new Headers().put("content-type", NatsHeaders.STRUCTURED_JSON), utf8("{\"secret\":\"hunter2\"")));
        assertEquals(-1, e.getMessage().indexOf("hunter2"), e.getMessage());
    }

    @Test
    void readStructuredReadsOneJsonDocument() throws Exception {
        CloudEvent read = NatsEventReader.readStructured(utf8("{\"specversion\":\"1.0\",\"id\":\"1\","
                + "\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"text/plain\",\"data\":\"a\\nb\"}"));
        assertEquals("a\nb", new String(read.getData().toBytes(), StandardCharsets.UTF_8));
        assertEquals(InvalidMessageException.STRUCTURED, assertThrows(InvalidMessageException.class,
                () -> NatsEventReader.readStructured(utf8("{\"id\":\"1\"}"))).reason());
    }
}
