package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.RecordCodecTest.sdkRoundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.rw.CloudEventRWException;
import io.jetconnect.testing.SampleEvents;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The version-2 payload against the reference it must match: what the SDK's JSON format gives back for the same
 * event (serialized as version 1 is, then deserialized), for events chosen to cover every attribute and extension
 * type, unicode, and every form of data; then a few thousand random ones.
 */
class CompactPayloadTest {

    private static CloudEvent decode(byte[] payload) {
        return CompactPayload.read(payload, 0, payload.length);
    }

    private static byte[] payload(CloudEvent event) {
        return CompactPayload.write(event, 0);
    }

    /** The differential check: equal to the JSON format's round trip, data byte for byte as offered. */
    private static void assertLikeTheJsonFormat(CloudEvent event) {
        CloudEvent expected = sdkRoundTrip(event);
        CloudEvent actual = decode(payload(event));
        assertEquals(expected, actual, () -> "event " + event);
        for (String name : expected.getExtensionNames()) {
            assertEquals(expected.getExtension(name).getClass(), actual.getExtension(name).getClass(), name);
        }
        if (event.getData() == null) {
            assertNull(actual.getData());
        } else {
            assertArrayEquals(event.getData().toBytes(), actual.getData().toBytes());
        }
    }

    private static CloudEventBuilder base(String id) {
        return SampleEvents.builder(id);
    }

    @Test
    void everyExtensionTypeComesBackAsTheJsonFormatCarriesIt() {
        CloudEvent event = base("ext")
                .withExtension("str", "acme")
                .withExtension("int", 42).withExtension("negative", Integer.MIN_VALUE)
                .withExtension("yes", true).withExtension("no", false)
                .withExtension("long", 5_000_000_000L).withExtension("small", (short) 4)
                .withExtension("double", 0.25).withExtension("nan", Double.NaN)
                .withExtension("decimal", new BigDecimal("1E+3"))
                .withExtension("uri", URI.create("https://example.com/a?b=c#d"))
                .withExtension("when", OffsetDateTime.parse("2024-05-01T10:00:00.5-03:30"))
                .withExtension("bytes", new byte[] {(byte) 0xDE, (byte) 0xAD, 0, 1})
                .build();

        assertLikeTheJsonFormat(event);
        CloudEvent back = decode(payload(event));
        assertEquals(42, back.getExtension("int"));
        assertEquals(true, back.getExtension("yes"));
        assertEquals("5000000000", back.getExtension("long"));
        assertEquals("2024-05-01T10:00:00.5-03:30", back.getExtension("when"));
        assertEquals("3q0AAQ==", back.getExtension("bytes"));
    }

    @Test
    void everyAttributeAndTimeComeBackEqual() {
        for (String time : List.of("2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123456789+02:00",
                "1969-12-31T23:59:59.999999999-18:00", "+10000-01-01T00:00:00+14:00", "-0001-06-15T08:30:00+05:45",
                "2024-05-01T12:00:00+01:02:03")) {
            CloudEvent event = base("time").withSubject("sub/ject").withTime(OffsetDateTime.parse(time))
                    .withDataSchema(URI.create("https://example.com/schema.json"))
                    .withDataContentType("application/json").withData("{}".getBytes(StandardCharsets.UTF_8))
                    .build();

            assertLikeTheJsonFormat(event);
            assertEquals(OffsetDateTime.parse(time), decode(payload(event)).getTime(), time);
        }
    }

    @Test
    void unicodeComesBackAsItWasIncludingUnpairedSurrogates() {
        CloudEvent event = CloudEventBuilder.v1().withId("ü-👋-\uD83D").withSource(URI.create("urn:x:%C3%BC"))
                .withType("grüße").withSubject("日本語 \uDC4B end")
                .withExtension("note", "emoji 👋, lone \uD800 and \uDFFF, nul \u0000")
                .withDataContentType("text/plain; charset=utf-8")
                .withData("grüße 👋".getBytes(StandardCharsets.UTF_8)).build();

        assertLikeTheJsonFormat(event);
        assertEquals("ü-👋-\uD83D", decode(payload(event)).getId());
    }

    @Test
    void everyFormOfDataComesBackByteForByte() throws Exception {
        byte[] json = "{ \"b\": 1.10,\n  \"a\": [1e3, \"x\"] }".getBytes(StandardCharsets.UTF_8);
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<CloudEvent> events = List.of(
                base("absent").build(),
                base("absent-with-type").withDataContentType("application/json").build(),
                base("empty").withDataContentType("application/octet-stream").withData(new byte[0]).build(),
                base("binary").withDataContentType("application/octet-stream").withData(binary).build(),
                base("binary-untyped").withData(binary).build(),
                base("json").withDataContentType("application/json").withData(json).build(),
                base("json-tree").withDataContentType("application/json")
                        .withData(JsonCloudEventData.wrap(new ObjectMapper().readTree("{\"k\":[1,2]}"))).build(),
                base("text").withDataContentType("text/plain").withData("a\nb".getBytes(StandardCharsets.UTF_8))
                        .build(),
                TestEvents.event(1, 100_000));

        for (CloudEvent event : events) {
            assertLikeTheJsonFormat(event);
        }
        assertEquals(0, decode(payload(events.get(2))).getData().toBytes().length, "empty is not absent");
    }

    @Test
    void specVersion03ComesBackAsItself() {
        CloudEvent event = CloudEventBuilder.v03().withId("old").withSource(URI.create("/s")).withType("t")
                .withSubject("s").withTime(OffsetDateTime.parse("2024-05-01T12:00:00Z"))
                .withDataSchema(URI.create("https://example.com/old-schema")).withExtension("n", 1)
                .withData("application/octet-stream", new byte[] {1, 2, 3}).build();

        assertLikeTheJsonFormat(event);
    }

    @Test
    void longValuesAndManyExtensionsUseLongerLengths() {
        CloudEventBuilder builder = base("x".repeat(20_000)).withSubject("é".repeat(70));
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) {
                builder.withExtension("ext" + i, "v" + i);
            } else {
                builder.withExtension("ext" + i, i);
            }
        }
        assertLikeTheJsonFormat(builder.build());
    }

    @Test
    void randomEventsComeBackAsTheJsonFormatCarriesThem() {
        long seed = 20240501L;
        Random random = new Random(seed);
        for (int n = 0; n < 3000; n++) {
            CloudEvent event = RandomEvents.next(random, n);
            try {
                assertLikeTheJsonFormat(event);
            } catch (AssertionError e) {
                throw new AssertionError("random event " + n + " of seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void eachEventKeepsItsOwnSourceWhateverCameBefore() {
        for (String source : List.of("/a", "/a", "/b", "urn:x:1", "/a", "https://example.com/a")) {
            CloudEvent event = base("s").withSource(URI.create(source)).build();

            assertEquals(URI.create(source), decode(payload(event)).getSource(), source);
        }
    }

    @Test
    void aSourceThatIsNotAUriIsRefusedAsTheSdkRefusesIt() {
        byte[] payload = {CompactPayload.SPEC_V1, 1, 'S', 2, 'i', 2, 'S', 6, 'a', ' ', 'b', 3, 'S', 2, 't',
                (byte) 0xFE};
        byte[] json = "{\"specversion\":\"1.0\",\"id\":\"i\",\"source\":\"a b\",\"type\":\"t\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThrows(CloudEventRWException.class, () -> decode(payload));
        assertThrows(RuntimeException.class, () -> new RecordCodec().decode(RecordCodec.VERSION_1, json, 0,
                json.length));
    }

    @Test
    void malformedPayloadsAreRefused() {
        byte[] good = payload(base("m").withExtension("n", 7).withData(new byte[] {9}).build());
        int dataMarker = good.length - 2;
        assertEquals((byte) 0xFF, good[dataMarker]);

        for (int cut = 0; cut <= dataMarker; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(RuntimeException.class, () -> decode(truncated), "cut at " + cut);
        }
        assertThrows(RuntimeException.class, () -> decode(new byte[] {9, (byte) 0xFE}), "unknown spec version");
        assertThrows(RuntimeException.class, () -> decode(new byte[] {1, 9, 'S', 0, (byte) 0xFE}), "unknown code");
        assertThrows(RuntimeException.class, () -> decode(new byte[] {1, 1, 'X', 0, (byte) 0xFE}), "unknown kind");
        assertThrows(RuntimeException.class, () -> decode(new byte[] {1, 1, 'S', 40, 'a', (byte) 0xFE}),
                "a length past the end");
        assertThrows(RuntimeException.class, () -> decode(new byte[] {1, 1, 'S', (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, (byte) 0xFE}), "a varint of six bytes");
        byte[] trailing = Arrays.copyOf(payload(base("t").build()), payload(base("t").build()).length + 1);
        assertThrows(RuntimeException.class, () -> decode(trailing), "bytes after the end");
        assertThrows(RuntimeException.class, () -> decode(new byte[] {1, 1, 'S', 2, 'a', (byte) 0xFE}),
                "no source and type: not a valid event");
    }

    @Test
    void anEventWhoseDataCannotBeReadIsNotWritten() {
        CloudEvent event = base("bad").withData("application/json", () -> {
            throw new IllegalStateException("data gone");
        }).build();

        assertThrows(IllegalStateException.class, () -> payload(event));
    }

    /** Random events: any subset of the optional attributes, random strings, extension types and data. */
    private static final class RandomEvents {

        private static final String[] CONTENT_TYPES = {null, "application/json", "application/cloudevents+json",
                "text/json", "application/octet-stream", "text/plain"};

        static CloudEvent next(Random random, int n) {
            CloudEventBuilder builder = (random.nextInt(10) == 0 ? CloudEventBuilder.v03() : CloudEventBuilder.v1())
                    .withId(string(random, 1 + random.nextInt(30)))
                    .withSource(URI.create("/src/" + random.nextInt(1000)))
                    .withType(string(random, 1 + random.nextInt(20)));
            if (random.nextBoolean()) {
                builder.withSubject(string(random, random.nextInt(40)));
            }
            if (random.nextBoolean()) {
                Instant instant = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) - (1L << 30),
                        random.nextInt(1_000_000_000));
                int offset = random.nextInt(2 * 18 * 3600 + 1) - 18 * 3600;
                builder.withTime(OffsetDateTime.ofInstant(instant, ZoneOffset.ofTotalSeconds(offset)));
            }
            if (random.nextInt(4) == 0) {
                builder.withDataSchema(URI.create("https://example.com/" + random.nextInt(100)));
            }
            int extensions = random.nextInt(6);
            for (int i = 0; i < extensions; i++) {
                String name = "x" + i + (char) ('a' + random.nextInt(26));
                switch (random.nextInt(7)) {
                    case 0 -> builder.withExtension(name, string(random, random.nextInt(50)));
                    case 1 -> builder.withExtension(name, random.nextInt());
                    case 2 -> builder.withExtension(name, random.nextBoolean());
                    case 3 -> builder.withExtension(name, random.nextLong());
                    case 4 -> builder.withExtension(name, random.nextDouble() * 1e6);
                    case 5 -> builder.withExtension(name, URI.create("urn:r:" + random.nextInt()));
                    default -> {
                        byte[] bytes = new byte[random.nextInt(20)];
                        random.nextBytes(bytes);
                        builder.withExtension(name, bytes);
                    }
                }
            }
            String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            if (contentType != null) {
                builder.withDataContentType(contentType);
            }
            switch (random.nextInt(4)) {
                case 0 -> { }
                case 1 -> builder.withData(new byte[0]);
                case 2 -> {
                    byte[] bytes = new byte[random.nextInt(3000)];
                    random.nextBytes(bytes);
                    builder.withData(bytes);
                }
                default -> builder.withData(("{\"n\": " + n + ", \"s\": \"" + string(random, random.nextInt(200))
                        .replace("\\", "").replace("\"", "") + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            return builder.build();
        }

        /** @return a string of ASCII, accented letters, CJK, emoji, and now and then an unpaired surrogate */
        static String string(Random random, int length) {
            StringBuilder out = new StringBuilder(length);
            while (out.length() < length) {
                switch (random.nextInt(8)) {
                    case 0 -> out.append((char) (0xC0 + random.nextInt(0x40)));
                    case 1 -> out.append((char) (0x4E00 + random.nextInt(0x5000)));
                    case 2 -> out.appendCodePoint(0x1F300 + random.nextInt(0x300));
                    case 3 -> out.append((char) (0xD800 + random.nextInt(0x800)));
                    default -> out.append((char) (0x20 + random.nextInt(0x5F)));
                }
            }
            return out.toString();
        }
    }

    @Test
    void theDataIsWrittenAsItIsAtTheEnd() {
        byte[] data = "{\"tenantId\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
        byte[] payload = payload(base("d").withDataContentType("application/json").withData(data).build());

        assertArrayEquals(data, Arrays.copyOfRange(payload, payload.length - data.length, payload.length));
        assertEquals((byte) 0xFF, payload[payload.length - data.length - 1]);
        assertEquals(CompactPayload.SPEC_V1, payload[0]);
    }
}
