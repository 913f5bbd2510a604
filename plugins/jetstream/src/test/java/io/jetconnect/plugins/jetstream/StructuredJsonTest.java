package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StructuredJsonTest {

    private static final JsonFormat SDK = new JsonFormat();

    private static CloudEventBuilder base() {
        return CloudEventBuilder.v1()
                .withId("id-7")
                .withSource(URI.create("/src"))
                .withType("t.created")
                .withSubject("sub ject")
                .withTime(OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 600_000_000, ZoneOffset.ofHours(2)))
                .withExtension("traceparent", "00-1-2-01")
                .withExtension("n", 5)
                .withExtension("ok", false);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> events() throws Exception {
        return Stream.of(
                Arguments.of("ascii json", base().withData("application/json", utf8("{\"tenantId\":\"a\",\"x\":[1,2]}"))
                        .build()),
                Arguments.of("json with charset", base().withData("application/json; charset=utf-8",
                        utf8("{\"a\":\"b\"}")).build()),
                Arguments.of("no content type", base().withData(utf8("{\"a\":1}")).build()),
                Arguments.of("+json", base().withData("application/cloudevents+json", utf8("[1,2,3]")).build()),
                Arguments.of("text/json", base().withData("text/json", utf8("\"just a string\"")).build()),
                Arguments.of("dotted +json is base64 to the SDK", base().withData("application/vnd.acme+json",
                        utf8("{\"a\":1}")).build()),
                Arguments.of("upper case is base64 to the SDK", base().withData("Application/JSON", utf8("{}"))
                        .build()),
                Arguments.of("non-ascii json", base().withData("application/json", utf8("{\"name\":\"Zoë 😀\"}"))
                        .build()),
                Arguments.of("invalid utf-8", base().withData("application/json",
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}).build()),
                Arguments.of("text", base().withData("text/plain", utf8("hello")).build()),
                Arguments.of("binary", base().withData("application/octet-stream", new byte[] {0, 1, 2, -1}).build()),
                Arguments.of("tree", base().withData("application/json", JsonCloudEventData.wrap(
                        new ObjectMapper().readTree("{\"tree\":true}"))).build()),
                Arguments.of("empty json", base().withData("application/json", new byte[0]).build()),
                Arguments.of("no data", base().build()),
                Arguments.of("long ascii json", base().withData("application/json",
                        utf8("{\"tenantId\":\"t\",\"blob\":\"" + "y".repeat(20_000) + "\"}")).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void writesExactlyWhatTheSdkWrites(String name, CloudEvent event) {
        byte[] direct = StructuredJson.write(event);
        if (direct != null) {
            assertArrayEquals(SDK.serialize(event), direct, name);
        }
        assertArrayEquals(SDK.serialize(event), new EventEncoder(false).body(event), name);
    }

    @Test
    void isUsedForAsciiJsonBytesOnly() {
        CloudEvent ascii = base().withData("application/json", utf8("{\"a\":1}")).build();
        assertNotNull(StructuredJson.write(ascii));
        CloudEvent text = base().withData("text/plain", utf8("a")).build();
        assertNull(StructuredJson.write(text));
        CloudEvent nonAscii = base().withData("application/json", utf8("{\"a\":\"é\"}")).build();
        assertNull(StructuredJson.write(nonAscii));
    }

    @Test
    void asciiCheckCoversEveryPosition() {
        for (int length = 0; length < 40; length++) {
            byte[] bytes = new byte[length];
            java.util.Arrays.fill(bytes, (byte) 'a');
            assertTrue(StructuredJson.ascii(bytes));
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) 0x80;
                assertFalse(StructuredJson.ascii(bytes), "high byte at " + i + " of " + length);
                bytes[i] = 'a';
            }
        }
    }

    private static CloudEventBuilder rich() {
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

    @Test
    void eventsWithJsonDataAreWrittenDirectlyAndExactlyAsTheSdkWritesThem() {
        List<CloudEvent> common = List.of(
                rich().withSubject("a \"quoted\" subject").build(),
                rich().withSubject("back\\slash").build(),
                rich().withSubject("tab\there, bell\u0007").build(),
                rich().withSubject("Zoë").build(),
                rich().withData("application/json", utf8("{\"tenantId\":\"acme\",\"v\":[1,2.5e3,null]}")).build(),
                rich().withData(utf8("[1]")).build(),
                rich().withData("text/json; charset=utf-8", utf8(" \"padded\" ")).build(),
                rich().build(),
                rich().withExtension("big", 5L).withExtension("ratio", 0.5).build(),
                CloudEventBuilder.v03().withId("x").withSource(URI.create("/s")).withType("t").build());
        for (CloudEvent event : common) {
            byte[] direct = StructuredJson.write(event);
            assertNotNull(direct, event.toString());
            assertArrayEquals(SDK.serialize(event), direct, new String(direct, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSurrogateOrDataThatIsNotAsciiJsonGoesToTheSdk() {
        List<CloudEvent> others = List.of(
                rich().withSubject("lone \uD800 surrogate").build(),
                rich().withSubject("a pair 😀").build(),
                rich().withData("application/json", utf8("{\"name\":\"Zoë\"}")).build(),
                rich().withData("application/json", new byte[0]).build(),
                rich().withData("text/plain", utf8("hello")).build(),
                rich().withData("application/octet-stream", new byte[] {0, 1}).build());
        for (CloudEvent event : others) {
            assertNull(StructuredJson.write(event), event.toString());
            assertArrayEquals(SDK.serialize(event), new EventEncoder(false).body(event), event.toString());
        }
    }
}
