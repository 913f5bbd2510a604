package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
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
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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

    /** Events the SDK's {@code JsonFormat} writes right: the same bytes are expected. */
    static Stream<Arguments> events() throws Exception {
        return Stream.of(
                Arguments.of("ascii json", base().withData("application/json", utf8("{\"tenantId\":\"a\",\"x\":[1,2]}"))
                        .build()),
                Arguments.of("json with charset", base().withData("application/json; charset=utf-8",
                        utf8("{\"a\":\"b\"}")).build()),
                Arguments.of("no content type", base().withData(utf8("{\"a\":1}")).build()),
                Arguments.of("+json", base().withData("application/cloudevents+json", utf8("[1,2,3]")).build()),
                Arguments.of("text/json", base().withData("text/json", utf8("\"just a string\"")).build()),
                Arguments.of("non-ascii json", base().withData("application/json", utf8("{\"name\":\"Zoë 😀\"}"))
                        .build()),
                Arguments.of("text", base().withData("text/plain", utf8("hello")).build()),
                Arguments.of("binary", base().withData("application/octet-stream", new byte[] {0, 1, 2, -1}).build()),
                Arguments.of("tree", base().withData("application/json", JsonCloudEventData.wrap(
                        new ObjectMapper().readTree("{\"tree\":true}"))).build()),
                Arguments.of("no data", base().build()),
                Arguments.of("0.3 binary", CloudEventBuilder.v03().withId("x").withSource(URI.create("/s"))
                        .withType("t").withData("application/octet-stream", new byte[] {0, -1}).build()),
                Arguments.of("long ascii json", base().withData("application/json",
                        utf8("{\"tenantId\":\"t\",\"blob\":\"" + "y".repeat(20_000) + "\"}")).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void writesExactlyWhatTheSdkWrites(String name, CloudEvent event) {
        assertArrayEquals(SDK.serialize(event), StructuredJson.write(event), name);
    }

    /** The injection: data without a content type that is not one JSON value must not become members. */
    @Test
    void dataWithoutAContentTypeThatIsNotOneJsonValueIsBase64AndAddsNoMember() throws Exception {
        byte[] forged = utf8("1,\"source\":\"/evil\",\"type\":\"evil.type\",\"admin\":true");
        CloudEvent event = CloudEventBuilder.v1().withId("i").withSource(URI.create("/legit")).withType("legit.type")
                .withData(forged).build();

        JsonNode stored = strict(StructuredJson.write(event));

        assertEquals("/legit", stored.get("source").asText());
        assertEquals("legit.type", stored.get("type").asText());
        assertFalse(stored.has("admin"));
        assertFalse(stored.has("data"));
        assertFalse(stored.has("datacontenttype"), "no content type is added");
        assertArrayEquals(forged, stored.get("data_base64").binaryValue());
    }

    @Test
    void textOrBytesWithoutAContentTypeAreBase64() throws Exception {
        for (byte[] data : List.of(utf8("hello world"), new byte[] {'"', 'a'}, utf8(" 1"), utf8("1\n"), utf8("{} {}"),
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'}, new byte[] {'1', 0}, new byte[] {-1, 0, 7},
                new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'})) {
            CloudEvent event = base().withData(data).build();
            byte[] written = StructuredJson.write(event);
            JsonNode stored = strict(written);
            assertFalse(stored.has("data"), () -> new String(written, StandardCharsets.UTF_8));
            assertArrayEquals(data, stored.get("data_base64").binaryValue());
        }
        JsonNode hello = strict(StructuredJson.write(base().withData(utf8("hello world")).build()));
        assertEquals("aGVsbG8gd29ybGQ=", hello.get("data_base64").asText());
    }

    @Test
    void declaredJsonThatIsNotOneJsonValueIsBase64() throws Exception {
        for (byte[] data : List.of(utf8("{\"a\":1},\"source\":\"/evil\""), utf8("{\"a\":"), new byte[0],
                new byte[] {'"', (byte) 0xC3, '"'}, new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'},
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, utf8("NaN"), utf8("[1,]"))) {
            CloudEvent event = base().withData("application/json", data).build();
            byte[] written = StructuredJson.write(event);
            JsonNode stored = strict(written);
            assertFalse(stored.has("data"), () -> new String(written, StandardCharsets.UTF_8));
            assertArrayEquals(data, stored.get("data_base64").binaryValue());
            assertEquals("application/json", stored.get("datacontenttype").asText());
            assertEquals("/src", stored.get("source").asText());
        }
    }

    @Test
    void everyJsonContentTypeKeepsItsValueWhereTheSdkWroteBase64() throws Exception {
        for (String type : List.of("application/vnd.example+json", "APPLICATION/JSON",
                "Application/Json ; Charset=\"UTF-8\"", "text/JSON", "application/problem+JSON")) {
            CloudEvent event = base().withData(type, utf8("{\"a\": [1, 2.50]}")).build();
            byte[] written = StructuredJson.write(event);
            assertTrue(new String(written, StandardCharsets.UTF_8).endsWith(",\"data\":{\"a\": [1, 2.50]}}"), type);
            assertEquals(1, strict(written).get("data").get("a").get(0).asInt(), type);
        }
    }

    @Test
    void whitespaceAroundJsonDataMakesItBytesSoThatItReadsBackAsSent() throws Exception {
        byte[] padded = utf8(" \"padded\"\n");
        assertArrayEquals(padded, strict(StructuredJson.write(base().withData("text/json", padded).build()))
                .get("data_base64").binaryValue(), "declared JSON");
        assertArrayEquals(padded, strict(StructuredJson.write(base().withData(padded).build()))
                .get("data_base64").binaryValue(), "no content type");
        byte[] body = utf8("{\"a\":1}\n"); // what curl -d @file.json sends
        CloudEvent event = base().withData("application/json", body).build();
        assertArrayEquals(body, SDK.deserialize(StructuredJson.write(event)).getData().toBytes(),
                "a signature over the bytes as sent still verifies");
    }

    @Test
    void aVersion03EventsBytesAreItsBase64DataAsThe03FormatHasIt() throws Exception {
        CloudEvent event = CloudEventBuilder.v03().withId("x").withSource(URI.create("/s")).withType("t")
                .withData(utf8("not json")).build();
        JsonNode stored = strict(StructuredJson.write(event));
        assertEquals("base64", stored.get("datacontentencoding").asText());
        assertArrayEquals(utf8("not json"), stored.get("data").binaryValue());
        assertArrayEquals(utf8("not json"), SDK.deserialize(StructuredJson.write(event)).getData().toBytes());
    }

    /** @return the document read by Jackson, refusing repeated names (a forged member would repeat one) */
    static JsonNode strict(byte[] json) throws IOException {
        return STRICT.readTree(json);
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
                rich().withData("text/json; charset=utf-8", utf8("\"unpadded\"")).build(),
                rich().build(),
                rich().withExtension("big", 5L).withExtension("ratio", 0.5).build(),
                CloudEventBuilder.v03().withId("x").withSource(URI.create("/s")).withType("t").build());
        for (CloudEvent event : common) {
            byte[] direct = StructuredJson.write(event);
            assertArrayEquals(SDK.serialize(event), direct, new String(direct, StandardCharsets.UTF_8));
        }
    }

    @Test
    void surrogatesAndDataThatIsNotAsciiJsonAreWrittenByTheGeneratorAsTheSdkWritesThem() {
        List<CloudEvent> others = List.of(
                rich().withSubject("lone \uD800 surrogate").build(),
                rich().withSubject("a pair 😀").build(),
                rich().withData("application/json", utf8("{\"name\":\"Zoë\"}")).build(),
                rich().withData("text/plain", utf8("hello")).build(),
                rich().withData("application/octet-stream", new byte[] {0, 1}).build());
        for (CloudEvent event : others) {
            assertArrayEquals(SDK.serialize(event), StructuredJson.write(event), event.toString());
        }
    }
}
