package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner against Jackson, on seeded random documents and random byte mutations of them: it may leave a
 * document to Jackson, but whatever it accepts Jackson accepts too, as the same event.
 */
class PlainJsonScannerTest {

    private static final long SEED = 0x5ca9_18L;
    private static final String HEAD = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"";
    private static final String[] SCALARS = {"0", "-0", "1", "-12", "01", "1.", ".5", "1.50", "-0.0E-0", "1e5", "1E+5",
        "1e", "2e-", "-", "+1", "true", "false", "null", "tru", "nul", "truex", "\"\"", "\"a b\"", "\"\\\"\"",
        "\"\\u00e9\"", "\"\\u12G4\"", "\"\\x\"", "\"tab\there\"", "\"é\"", "NaN", "1 2", "[]", "{}", "[,]", "[1,]",
        "{\"a\":}", "{\"a\" 1}", "{,}", "{\"a\":1,}", "\"\u007f\""};
    private static final java.util.Set<String> VALID_IN_DATA = java.util.Set.of("\\n", "\\u00e9", "\u007f", " ", "~");
    private static final java.util.Set<String> PLAIN_IN_ATTRIBUTES = java.util.Set.of("\u007f", " ", "~");
    private static final byte[] NOISE = "{}[]\",: \n\t\\0123456789.-+eEtfnrux".getBytes(StandardCharsets.US_ASCII);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String value(Random random, int depth) {
        int pick = random.nextInt(depth > 3 ? 1 : 4);
        if (pick == 0) {
            return SCALARS[random.nextInt(SCALARS.length)];
        }
        StringBuilder out = new StringBuilder(pick == 1 ? "[" : "{");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(random.nextInt(8) == 0 ? " , " : ",");
            }
            if (pick != 1) {
                out.append("\"k").append(i).append(random.nextInt(12) == 0 ? "\\n" : "").append("\":");
            }
            out.append(value(random, depth + 1));
        }
        return out.append(pick == 1 ? "]" : "}").toString();
    }

    private static void assertAgrees(byte[] document) {
        CloudEvent plain = PlainJsonScanner.read(document);
        if (plain == null) {
            return;
        }
        String shown = new String(document, StandardCharsets.ISO_8859_1);
        CloudEvent jackson = StructuredFastPath.readWithJackson(document);
        assertNotNull(jackson, () -> "Jackson refuses what the scanner read: " + shown);
        StructuredFastPathTest.assertSameEvent(jackson, plain, shown);
    }

    @Test
    void whatTheScannerAcceptsJacksonAcceptsAsTheSameEvent() {
        Random random = new Random(SEED);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            String data = value(random, 0);
            byte[] document = utf8(HEAD + (random.nextBoolean() ? ",\"data\":" : " ,\n\"data\" : ") + data
                    + (random.nextBoolean() ? ",\"x\":\"y\"}" : "}") + (random.nextInt(20) == 0 ? " x" : ""));
            assertAgrees(document);
            if (PlainJsonScanner.read(document) != null) {
                accepted++;
            }
            for (int m = 0; m < 3; m++) {
                byte[] mutated = document.clone();
                mutated[random.nextInt(mutated.length)] = NOISE[random.nextInt(NOISE.length)];
                assertAgrees(mutated);
            }
        }
        assertTrue(accepted > 2000, "the scanner accepted only " + accepted + " of 20000");
    }

    /** Every byte a word-wide skip must stop at, at every place in and around an eight-byte word. */
    @Test
    void aLongDataStringIsReadByWordsAsJacksonReadsItByteByByte() {
        String[] specials = {"\"", "\\", "\\n", "\\u00e9", "\\x", "\u001f", "\u0000", "\u007f", " ", "~",
            "\u00e9", "\t"};
        int accepted = 0;
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at <= length; at++) {
                for (String special : specials) {
                    String text = "x".repeat(at) + special + "y".repeat(length - at);
                    byte[] document = utf8(HEAD + ",\"data\":{\"a\":\"" + text + "\"}}");
                    assertAgrees(document);
                    if (PlainJsonScanner.read(document) != null) {
                        accepted++;
                    } else if (VALID_IN_DATA.contains(special)) {
                        throw new AssertionError("the scanner left to Jackson: " + text);
                    }
                    assertAgrees(utf8(HEAD + ",\"data\":\"" + text));
                    byte[] attribute = utf8(HEAD + ",\"subject\":\"" + text + "\"}");
                    assertAgrees(attribute);
                    if (PLAIN_IN_ATTRIBUTES.contains(special) && PlainJsonScanner.read(attribute) == null) {
                        throw new AssertionError("the scanner left to Jackson the attribute " + text);
                    }
                }
            }
        }
        assertEquals(861 * VALID_IN_DATA.size(), accepted, "accepted: only the strings JSON allows, every one");
        byte[] plain = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
        assertTrue(PlainJsonScanner.plain(java.nio.ByteBuffer.wrap(plain).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong()));
    }

    @Test
    void leavesToJacksonWhatItDoesNotRead() {
        assertNull(PlainJsonScanner.read(utf8(HEAD + ",\"subject\":\"caf\u00e9\"}")), "not ASCII");
        assertNull(PlainJsonScanner.read(utf8(HEAD + ",\"subject\":\"a\\nb\"}")), "an escape in an attribute");
        assertNull(PlainJsonScanner.read(utf8("\ufeff" + HEAD + "}")), "a byte order mark");
        assertNull(PlainJsonScanner.read(utf8(HEAD + ",\"data\":" + "[".repeat(70) + "]".repeat(70) + "}")),
                "deeper than 64");
        assertNotNull(StructuredFastPath.readWithJackson(utf8(HEAD + ",\"subject\":\"a\\nb\"}")));
        assertEquals("{\"a\": [1, 2.5e3, \"\\u00e9\"]}", new String(PlainJsonScanner.read(
                utf8(HEAD + ",\"data\" : {\"a\": [1, 2.5e3, \"\\u00e9\"]}\n}")).getData().toBytes(),
                StandardCharsets.UTF_8));
    }
}
