package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.TestContexts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The default patterns of reference.conf, and how patterns are applied. */
class ValuePatternsTest {

    private static final ValuePatterns DEFAULTS =
            ValuePatterns.compile(TestContexts.of("redact").connectorConfig().getStringList("patterns"));
    private static final Mask MASK = Mask.fixed("[REDACTED]");

    private static String redact(String s) {
        return DEFAULTS.redact(s, MASK);
    }

    private static void unchanged(String s) {
        assertSame(s, redact(s), s);
    }

    /** A secret within one line: the bearer token (its scheme kept), an AWS key id, a URL's userinfo (only). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Authorization: Bearer abc.DEF-123_~+/==|Authorization: Bearer [REDACTED]",
        "bearer mF_9.B5f-4.1JqM, next|bearer [REDACTED], next",
        "BEARER\tx|BEARER\t[REDACTED]",
        "key AKIAIOSFODNN7EXAMPLE here|key [REDACTED] here",
        "ASIAY34FZKBOKMUTVV7A|[REDACTED]",
        "postgres://admin:s3cr3t@db.example.com:5432/app|postgres://[REDACTED]@db.example.com:5432/app",
        "see https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git now"
            + "|see https://[REDACTED]@github.com/o/r.git now",
        // An unencoded @ in the password: up to the last @ before the path.
        "https://user:p@ss@host/x|https://[REDACTED]@host/x",
        "redis://:hunter2@cache:6379|redis://[REDACTED]@cache:6379"})
    void aSecretInALineIsReplaced(String line, String redacted) {
        assertEquals(redacted, redact(line));
    }

    @Test
    void jwt() {
        String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assertEquals("[REDACTED]", redact(jwt));
        assertEquals("id_token=[REDACTED]&state=x", redact("id_token=" + jwt + "&state=x"));
        // Unsecured (alg none): the signature segment is empty.
        assertEquals("[REDACTED]", redact("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."));
    }

    @Test
    void pemPrivateKeyBlocksOverSeveralLines() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
                + "-----END RSA PRIVATE KEY-----";
        assertEquals("key:\n[REDACTED]\ndone", redact("key:\n" + pem + "\ndone"));
        assertEquals("[REDACTED]", redact("-----BEGIN PRIVATE KEY-----\r\nMIIEvQ\r\n-----END PRIVATE KEY-----"));
        assertEquals("[REDACTED] and [REDACTED]",
                redact("-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY----- and "
                        + "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----"));
        // Cut off before its END line: redacted to the end rather than leaked.
        assertEquals("x [REDACTED]", redact("x -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTA"));
    }

    /** Near misses of the patterns above (a bearer without token, a JWT without its dots, ...): left alone. */
    @ParameterizedTest
    @ValueSource(strings = {
        "Bearer",
        "Bearer ",
        "bearer: x",
        "eyJhbGciOiJub25lIn0",
        "eyJ.only.dots and version 1.2.3",
        "AKIAIOSFODNN7EXAMPL", // 15 characters after the prefix
        "XAKIAIOSFODNN7EXAMPLE",
        "AKIAIOSFODNN7EXAMPLE1",
        "akiaiosfodnn7example",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQ\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "https://example.com/a?mail=a@b.example",
        "https://example.com/#x@y",
        "mail ann@example.com, see https://example.com"})
    void nearMissesAreLeftAsTheyAre(String s) {
        unchanged(s);
    }

    @Test
    void everyMatchOfEveryPatternIsReplaced() {
        assertEquals("Bearer [REDACTED] then [REDACTED] and ftp://[REDACTED]@h",
                redact("Bearer a1 then AKIAIOSFODNN7EXAMPLE and ftp://u:p@h"));
    }

    @Test
    void noMatchReturnsTheSameInstance() {
        String s = new String("plain text with nothing secret in it".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        assertSame(s, redact(s));
        assertFalse(DEFAULTS.finder().anyMatch(s));
    }

    @Test
    void redactingTwiceChangesNothingMore() {
        Mask hashing = Mask.hmac("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        String s = "Bearer tok123 https://u:p@h AKIAIOSFODNN7EXAMPLE";
        for (Mask mask : List.of(MASK, hashing)) {
            String once = DEFAULTS.redact(s, mask);
            assertTrue(!once.equals(s), once);
            assertSame(once, DEFAULTS.redact(once, mask), once);
        }
    }

    @Test
    void secretGroupNarrowsTheReplacement() {
        ValuePatterns p = ValuePatterns.compile(List.of("pin=(?<secret>\\d+)", "card (\\d{4})"));
        assertEquals("pin=[REDACTED] and [REDACTED]", p.redact("pin=1234 and card 4111", MASK));
    }

    @Test
    void hashedSpansAreHmacs() {
        Mask hashing = Mask.hmac("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        String out = DEFAULTS.redact("Bearer tok123", hashing);
        assertEquals("Bearer " + hashing.apply("tok123"), out);
        assertTrue(out.matches("Bearer hmac-sha256:[0-9a-f]{64}"), out);
    }

    @Test
    void invalidPatternsNameTheirEntry() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ValuePatterns.compile(List.of("ok", "(unclosed")));
        assertTrue(bad.getMessage().startsWith("entry 1 is not a valid regular expression"), bad.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ValuePatterns.compile(List.of("x*")));
        assertTrue(empty.getMessage().contains("matches the empty string"), empty.getMessage());
    }

    @Test
    void mayMatchWithinRulesOutOnlyTextsWithoutLiteralsOrEscapes() {
        ValuePatterns shipped = ValuePatterns.compile(List.of("(?i)bearer\\s+(?<secret>\\S+)", "://(?<secret>[^@]+)@"));
        assertFalse(shipped.mayMatchWithin(utf8("{\"a\":\"plain \u00e9t\u00e9\"}")));
        assertTrue(shipped.mayMatchWithin(utf8("{\"a\":\"BeArEr x\"}")));
        assertTrue(shipped.mayMatchWithin(utf8("{\"bearer\":1}")), "conservative: a literal in a key counts");
        assertTrue(shipped.mayMatchWithin(utf8("{\"a\":\"\\u0062earer x\"}")), "an escape may spell a literal");
        ValuePatterns unknown = ValuePatterns.compile(List.of("[0-9]{16}"));
        assertTrue(unknown.mayMatchWithin(utf8("{\"a\":\"plain\"}")), "a pattern without literals always runs");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
