package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredJsonTest {

    private static final JsonFormat SDK = new JsonFormat();

    private static CloudEventBuilder base() {
        return CloudEventBuilder.v1()
                .withId("id-1")
                .withSource(URI.create("https://example.com/a?b=c&d=e#f"))
                .withType("t.created")
                .withDataSchema(URI.create("urn:schema:1"))
                .withSubject("a subject with spaces, 'quotes' & {braces}")
                .withTime(OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 123_456_789, ZoneOffset.ofHoursMinutes(-5, -30)))
                .withExtension("traceparent", "00-abc-def-01")
                .withExtension("count", 42)
                .withExtension("negative", -7)
                .withExtension("flag", true)
                .withExtension("uri", URI.create("/rel/path"))
                .withExtension("bin", new byte[] {1, 2, 3, -1});
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theCommonEventIsWrittenDirectlyAndExactlyAsTheSdkWritesIt() {
        List<CloudEvent> common = List.of(
                base().withData("application/json", utf8("{\"tenantId\":\"acme\",\"v\":[1,2.5e3,null]}")).build(),
                base().withData(utf8("[1]")).build(),
                base().withData("text/json; charset=utf-8", utf8(" \"padded\" ")).build(),
                base().build(),
                base().withExtension("big", 5L).withExtension("ratio", 0.5).build(),
                CloudEventBuilder.v03().withId("x").withSource(URI.create("/s")).withType("t").build());
        for (CloudEvent event : common) {
            byte[] direct = StructuredJson.write(event);
            assertNotNull(direct, event.toString());
            assertArrayEquals(SDK.serialize(event), direct, new String(direct, StandardCharsets.UTF_8));
        }
    }

    @Test
    void anythingToEscapeOrNotJsonGoesToTheSdk() {
        List<CloudEvent> others = List.of(
                base().withSubject("a \"quoted\" subject").build(),
                base().withSubject("back\\slash").build(),
                base().withSubject("tab\there").build(),
                base().withSubject("Zoë").build(),
                base().withData("application/json", utf8("{\"name\":\"Zoë\"}")).build(),
                base().withData("application/json", new byte[0]).build(),
                base().withData("text/plain", utf8("hello")).build(),
                base().withData("application/octet-stream", new byte[] {0, 1}).build());
        for (CloudEvent event : others) {
            assertNull(StructuredJson.write(event), event.toString());
            assertArrayEquals(SDK.serialize(event), new EventEncoder(false).body(event), event.toString());
        }
    }
}
