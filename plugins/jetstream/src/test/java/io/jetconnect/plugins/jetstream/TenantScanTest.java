package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jetconnect.spi.JetconnectException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TenantScan} answers only where Jackson's streaming peek ({@link SubjectTemplate#parseTenant}) agrees. */
class TenantScanTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The scan's answer, checked against Jackson's where it gives one. */
    private static String scanned(byte[] json) {
        String scan = TenantScan.scan(json);
        if (scan != TenantScan.UNSURE) {
            String jackson;
            try {
                jackson = SubjectTemplate.parseTenant(json);
            } catch (JetconnectException e) {
                jackson = "thrown: " + e.getMessage();
            }
            assertEquals(jackson, scan, () -> "differs from Jackson on " + new String(json,
                    StandardCharsets.ISO_8859_1));
        }
        return scan;
    }

    private static String scanned(String json) {
        return scanned(utf8(json));
    }

    @Test
    void answersTheCommonShapes() {
        assertEquals("acme", scanned("{\"tenantId\":\"acme\",\"n\":1}"));
        assertEquals("x y", scanned(" \r\n\t{ \"a\" : \"b\" ,\n \"tenantId\" :\t\"x y\" }"));
        assertEquals("b", scanned("{\"tenantIdx\":\"a\",\"tenantI\":\"c\",\"tenantId\":\"b\"}"));
        assertEquals("first", scanned("{\"tenantId\":\"first\",\"tenantId\":\"second\"}"));
        assertEquals("acme", scanned("{\"tenantId\":\"acme\", !!!"));
        assertEquals("", scanned("{\"tenantId\":\"\"}"));
        assertEquals(SubjectTemplate.SINGLE_TENANT, scanned("{\"a\":\"b\"}"));
        assertEquals(SubjectTemplate.SINGLE_TENANT, scanned(" { } trailing"));
    }

    @Test
    void leavesEverythingElseToJackson() {
        for (String json : new String[] {
            "{\"n\":1,\"tenantId\":\"x\"}", // a number before the field
            "{\"o\":{},\"tenantId\":\"x\"}",
            "{\"tenantId\":42}",
            "{\"tenantId\":null}",
            "{\"tenantId\":{\"a\":\"b\"}}",
            "{\"tenant\\u0049d\":\"x\"}", // an escaped key is still tenantId to Jackson
            "{\"tenantId\":\"a\\\"b\"}",
            "{\"tenantId\":\"caf\u00e9\"}",
            "{\"tenantId\":\"tab\there\"}",
            "{\"a\":\"b\" \"tenantId\":\"c\"}",
            "[\"tenantId\"]",
            "\uFEFF{\"tenantId\":\"x\"}",
            "{\"tenantId\":\"unterminated",
            "",
            "{",
            "{\"" + "k".repeat(TenantScan.MAX_READ) + "\":\"v\",\"tenantId\":\"x\"}",
            "{\"tenantId\":\"" + "t".repeat(TenantScan.MAX_READ) + "\"}",
        }) {
            assertNull(scanned(json), json);
        }
    }

    @Test
    void agreesWithJacksonOnRandomNearlyJson() {
        Random random = new Random(20261123);
        int answered = 0;
        int tenants = 0;
        int inputs = 30_000;
        for (int i = 0; i < inputs; i++) {
            byte[] json = mutate(random, utf8(object(random)));
            String scan = scanned(json);
            if (scan != TenantScan.UNSURE) {
                answered++;
                if (!scan.equals(SubjectTemplate.SINGLE_TENANT)) {
                    tenants++;
                }
            }
        }
        // The comparison means something only if the scan answers thousands of them, tenants included.
        assertTrue(answered > inputs / 10, "answered " + answered);
        assertTrue(tenants > inputs / 30, "tenants " + tenants + " of " + answered);
    }

    private static final String[] KEYS = {"tenantId", "tenantId", "tenantI", "tenantIdd", "TenantId", "a", "payload",
        "tenant\\u0049d", "\u00e9", "x y"};
    private static final String[] STRINGS = {"acme", "acme", "t-1", "", "x y", "a\\\"b", "a\\\\b", "caf\u00e9",
        "tab\tin", "\\u0041",
        "a.b", "*", "~!@#$%^&()_+`-=[]{}|;':,./<>?"};
    private static final String[] SPACES = {"", "", "", " ", "\n", "\t", "\r\n ", "\u000b"};

    private static String object(Random random) {
        StringBuilder out = new StringBuilder(pick(random, SPACES)).append('{');
        int members = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(4);
        for (int m = 0; m < members; m++) {
            if (m > 0) {
                out.append(pick(random, SPACES)).append(',');
            }
            out.append(pick(random, SPACES)).append('"').append(pick(random, KEYS)).append('"')
                    .append(pick(random, SPACES)).append(':').append(pick(random, SPACES)).append(value(random, 0));
        }
        return out.append(pick(random, SPACES)).append('}').append(pick(random, SPACES)).toString();
    }

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth > 1 ? 12 : 14);
        return switch (kind) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> '"' + pick(random, STRINGS) + '"';
            case 8 -> "null";
            case 9 -> random.nextBoolean() ? "true" : "false";
            case 10 -> pick(random, new String[] {"0", "-1", "42", "1.5e3", "01", "1.", "-"});
            case 11 -> "nul";
            case 12 -> "{\"tenantId\":" + value(random, depth + 1) + "}";
            default -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
        };
    }

    /** Most inputs as built; some with a byte dropped, changed or cut off, as broken data comes. */
    private static byte[] mutate(Random random, byte[] json) {
        int what = random.nextInt(8);
        if (what >= 4 || json.length == 0) {
            return json;
        }
        int at = random.nextInt(json.length);
        byte[] bytes = utf8("\"{}[],: \\\u0000xn");
        return switch (what) {
            case 0 -> java.util.Arrays.copyOf(json, at);
            case 1 -> {
                byte[] out = new byte[json.length - 1];
                System.arraycopy(json, 0, out, 0, at);
                System.arraycopy(json, at + 1, out, at, json.length - at - 1);
                yield out;
            }
            default -> {
                byte[] out = json.clone();
                out[at] = bytes[random.nextInt(bytes.length)];
                yield out;
            }
        };
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    @Test
    void theScanIsWhatThePeekUses() {
        // A shape the scan answers and an escaped key it leaves: the peek gives Jackson's answer for both.
        assertEquals("acme", SubjectTemplate.peekTenant(utf8("{\"tenantId\":\"acme\"}")));
        assertEquals("esc", SubjectTemplate.peekTenant(utf8("{\"tenant\\u0049d\":\"esc\"}")));
        try {
            SubjectTemplate.peekTenant(utf8("{\"tenantId\":[1]}"));
            fail("an array tenant must be refused");
        } catch (JetconnectException expected) {
            assertTrue(expected.getMessage().contains("object or an array"), expected.getMessage());
        }
    }
}
