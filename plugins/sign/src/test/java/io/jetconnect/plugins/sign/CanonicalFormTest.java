package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.spi.JetconnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalFormTest {

    private static CloudEventBuilder minimal() {
        return CloudEventBuilder.v1().withId("1").withSource(URI.create("/s")).withType("t");
    }

    /** Splits canonical bytes back into attributes and data, checking the framing on the way. */
    private record Decoded(Map<String, String> attributes, byte[] data) {
    }

    private static Decoded decode(byte[] canonical) {
        ByteBuffer in = ByteBuffer.wrap(canonical);
        byte[] prefix = new byte[18];
        in.get(prefix);
        assertEquals("jetconnect-sig-v1\0", new String(prefix, StandardCharsets.US_ASCII));
        int n = in.getInt();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            attributes.put(field(in), field(in));
        }
        byte[] data = new byte[in.getInt()];
        in.get(data);
        assertFalse(in.hasRemaining(), "trailing bytes");
        return new Decoded(attributes, data);
    }

    private static String field(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void minimalEventHasTheDocumentedBytes() {
        String expected = "6a6574636f6e6e6563742d7369672d7631" + "00" + "00000004"
                + "00000002" + "6964" + "00000001" + "31"
                + "00000006" + "736f75726365" + "00000002" + "2f73"
                + "0000000b" + "7370656376657273696f6e" + "00000003" + "312e30"
                + "00000004" + "74797065" + "00000001" + "74"
                + "00000000";
        assertEquals(expected, HexFormat.of().formatHex(CanonicalForm.encode(minimal().build())));
    }

    @Test
    void attributesAreSortedByNameWithExtensionsAmongThem() {
        CloudEvent event = minimal().withExtension("zeta", "z").withExtension("alpha", "a")
                .withSubject("sub").withDataContentType("text/plain").build();
        List<String> names = new ArrayList<>(decode(CanonicalForm.encode(event)).attributes().keySet());
        assertEquals(List.of("alpha", "datacontenttype", "id", "source", "specversion", "subject", "type", "zeta"),
                names);
    }

    @Test
    void extensionsOfEveryTypeUseTheirCanonicalStrings() {
        CloudEvent event = minimal()
                .withExtension("count", 42)
                .withExtension("delta", -7)
                .withExtension("urgent", true)
                .withExtension("off", false)
                .withExtension("link", URI.create("https://example.com/a?b=c#d"))
                .withExtension("seen", OffsetDateTime.parse("2025-03-01T14:00:00.500+02:00"))
                .withExtension("blob", new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff})
                .withExtension("big", 12345678901L)
                .build();
        Map<String, String> attributes = decode(CanonicalForm.encode(event)).attributes();
        Map.of("count", "42", "delta", "-7", "urgent", "true", "off", "false", "link", "https://example.com/a?b=c#d",
                "seen", "2025-03-01T14:00:00.5+02:00", "blob", "AAEC/v8=", "big", "12345678901", "specversion", "1.0")
                .forEach((name, canonical) -> assertEquals(canonical, attributes.get(name), name));
    }

    @Test
    void timeIsRfc3339WithSecondsTrimmedFractionAndZForUtc() {
        Map<String, String> cases = Map.of(
                "2025-03-01T12:00Z", "2025-03-01T12:00:00Z",
                "2025-03-01T12:00:00.000Z", "2025-03-01T12:00:00Z",
                "2025-03-01T12:00:00.120+00:00", "2025-03-01T12:00:00.12Z",
                "2025-03-01T12:00:00.000000001-05:30", "2025-03-01T12:00:00.000000001-05:30",
                "2025-03-01t12:00:00z", "2025-03-01T12:00:00Z");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            CloudEvent event = minimal().withTime(OffsetDateTime.parse(c.getKey())).build();
            assertEquals(c.getValue(), decode(CanonicalForm.encode(event)).attributes().get("time"), c.getKey());
        }
    }

    @Test
    void timeIsWhatTheJsonFormatWrites() {
        CloudEvent event = minimal().withTime(OffsetDateTime.parse("2025-03-01T14:00:00.500+02:00")).build();
        String json = new String(new JsonFormat().serialize(event), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"time\":\"2025-03-01T14:00:00.5+02:00\""), json);
    }

    @Test
    void absentAndEmptyDataAreTheSame() {
        byte[] absent = CanonicalForm.encode(minimal().build());
        byte[] empty = CanonicalForm.encode(minimal().withData(new byte[0]).build());
        assertArrayEquals(absent, empty);
        assertEquals(0, decode(absent).data().length);
    }

    @Test
    void binaryDataIsTakenAsIs() {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        CloudEvent event = minimal().withDataContentType("application/octet-stream").withData(data).build();
        assertArrayEquals(data, decode(CanonicalForm.encode(event)).data());
    }

    @Test
    void unicodeIsUtf8() {
        CloudEvent event = minimal().withSubject("grüße 👋").withExtension("region", "são-paulo")
                .withData("héllo".getBytes(StandardCharsets.UTF_8)).build();
        byte[] canonical = CanonicalForm.encode(event);
        Decoded decoded = decode(canonical);
        assertEquals("grüße 👋", decoded.attributes().get("subject"));
        assertEquals("são-paulo", decoded.attributes().get("region"));
        assertEquals("héllo", new String(decoded.data(), StandardCharsets.UTF_8));
        // "grüße 👋" is 8 chars (9 UTF-16 units) but 12 bytes: lengths count bytes.
        assertTrue(HexFormat.of().formatHex(canonical).contains("0000000c" + HexFormat.of().formatHex(
                "grüße 👋".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void signatureAttributesAreLeftOut() {
        CloudEvent plain = minimal().build();
        CloudEvent signed = minimal().withExtension("sig", "x").withExtension("sigalg", "ed25519")
                .withExtension("sigkeyid", "k").build();
        assertArrayEquals(CanonicalForm.encode(plain), CanonicalForm.encode(signed));
    }

    @Test
    void framingKeepsShiftedBoundariesApart() {
        CloudEvent a = minimal().withExtension("ab", "c").build();
        CloudEvent b = minimal().withExtension("a", "bc").build();
        assertFalse(java.util.Arrays.equals(CanonicalForm.encode(a), CanonicalForm.encode(b)));
        CloudEvent emptyValue = minimal().withSubject("").build();
        assertEquals("", decode(CanonicalForm.encode(emptyValue)).attributes().get("subject"));
    }

    @Test
    void anExtensionNamedLikeAnAttributeIsRefused() {
        CloudEvent event = minimal().withExtension("id", "other").build();
        JetconnectException e = assertThrows(JetconnectException.class, () -> CanonicalForm.encode(event));
        assertTrue(e.getMessage().contains("'id'"), e.getMessage());
    }

    @Test
    void anHmacOverThePartsEqualsTheHmacOverTheJoinedBytes() {
        HmacKey key = new HmacKey("k", new byte[32]);
        for (CloudEvent event : List.of(TestEvents.json("1"), TestEvents.builder("2").build())) {
            CanonicalForm.Parts parts = CanonicalForm.parts(event);
            byte[] joined = CanonicalForm.encode(event);
            assertArrayEquals(joined, parts.joined());
            assertArrayEquals(key.sign(joined), key.sign(parts));
        }
    }
}
