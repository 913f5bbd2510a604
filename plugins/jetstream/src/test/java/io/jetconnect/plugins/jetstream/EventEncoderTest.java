package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.impl.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventEncoderTest {

    private static CloudEvent event() {
        return CloudEventBuilder.v1()
                .withId("id-1")
                .withSource(URI.create("/cellos/node%207"))
                .withType("com.example.created")
                .withSubject("Euro € 😀")
                .withTime(OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC))
                .withDataSchema(URI.create("https://example.com/schema"))
                .withExtension("traceparent", "00-abc-def-01")
                .withExtension("count", 42)
                .withExtension("flag", true)
                .withData("application/json; charset=utf-8", "{\"tenantId\":\"acme\"}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void structuredIsTheSdkJsonFormatWithItsContentType() {
        EventEncoder encoder = new EventEncoder(false);
        CloudEvent event = event();
        Headers headers = encoder.headers(event);
        assertEquals("id-1", headers.getFirst("Nats-Msg-Id"));
        assertEquals("application/cloudevents+json", headers.getFirst("content-type"));
        assertNull(headers.getFirst("ce-id"), "structured mode carries attributes in the body only");
        byte[] body = encoder.body(event);
        assertArrayEquals(new JsonFormat().serialize(event), body, "the SDK writes this event right");
        CloudEvent back = new JsonFormat().deserialize(body);
        assertEquals(event.getId(), back.getId());
        assertEquals(event.getSubject(), back.getSubject());
        assertEquals(event.getExtension("count"), back.getExtension("count"));
        assertArrayEquals(event.getData().toBytes(), back.getData().toBytes());
    }

    /** Binary mode: each attribute in its percent-encoded ce- header; the content type as it is. */
    @ParameterizedTest
    @CsvSource({"Nats-Msg-Id, id-1", "ce-specversion, 1.0", "ce-id, id-1", "ce-source, /cellos/node%25207",
        "ce-type, com.example.created", "ce-subject, Euro%20%E2%82%AC%20%F0%9F%98%80", "ce-time, 2024-05-06T07:08:09Z",
        "ce-dataschema, https://example.com/schema", "content-type, 'application/json; charset=utf-8'",
        "ce-traceparent, 00-abc-def-01", "ce-count, 42", "ce-flag, true"})
    void binaryPutsEveryAttributeButTheContentTypeInPercentEncodedCeHeaders(String header, String value) {
        assertEquals(value, new EventEncoder(true).headers(event()).getFirst(header));
    }

    @Test
    void binaryCarriesTheDataAsItIsAndTheContentTypeOnlyOnce() {
        EventEncoder encoder = new EventEncoder(true);
        CloudEvent event = event();
        assertNull(encoder.headers(event).getFirst("ce-datacontenttype"),
                "the binding maps datacontenttype to content-type only");
        assertArrayEquals("{\"tenantId\":\"acme\"}".getBytes(StandardCharsets.UTF_8), encoder.body(event));
    }

    @Test
    void binaryWithoutDataHasAnEmptyBodyAndNoContentType() {
        EventEncoder encoder = new EventEncoder(true);
        CloudEvent event = CloudEventBuilder.v1().withId("x").withSource(URI.create("/s")).withType("t").build();
        assertEquals(0, encoder.body(event).length);
        assertNull(encoder.headers(event).getFirst("content-type"));
    }

    @Test
    void binaryWritesAContentTypeAHeaderCannotCarryPercentEncoded() {
        EventEncoder encoder = new EventEncoder(true);
        for (String type : java.util.List.of("text/plain; charset=\"a\tb\"", "text/plain;charset=utf-8")) {
            CloudEvent event = CloudEventBuilder.v1(event()).withData(type, new byte[] {1}).build();
            assertEquals(type, encoder.headers(event).getFirst("content-type"));
        }
        CloudEvent broken = CloudEventBuilder.v1(event()).withData("text/plain\r\nx: y", new byte[] {1}).build();
        assertEquals("text/plain%0D%0Ax:%20y", encoder.headers(broken).getFirst("content-type"));
        CloudEvent padded = CloudEventBuilder.v1(event()).withData(" text/plain", new byte[] {1}).build();
        assertEquals("%20text/plain", encoder.headers(padded).getFirst("content-type"));
    }

    @Test
    void percentEncodingFollowsTheBinding() {
        String plain = "abc-123_~!#$&'()*+,/:;<=>?@[]^`{|}";
        assertSame(plain, EventEncoder.percentEncode(plain), "nothing to encode: no copy");
        assertEquals("a%20b%22c%25d", EventEncoder.percentEncode("a b\"c%d"));
        assertEquals("%0D%0A%09%7F%C2%85", EventEncoder.percentEncode("\r\n\t\u007f\u0085"));
        assertEquals("Euro%20%E2%82%AC%20%F0%9F%98%80", EventEncoder.percentEncode("Euro € 😀"));
    }

    @Test
    void unprintableIdsStillMakeAUsableAndStableMsgId() {
        EventEncoder encoder = new EventEncoder(false);
        CloudEvent event = CloudEventBuilder.v1().withId("id with\nnewline").withSource(URI.create("/s"))
                .withType("t").build();
        assertEquals("id%20with%0Anewline", encoder.headers(event).getFirst("Nats-Msg-Id"));
    }
}
