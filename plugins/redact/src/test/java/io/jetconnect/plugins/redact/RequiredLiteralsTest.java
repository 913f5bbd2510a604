package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequiredLiteralsTest {

    private static final List<String> DEFAULTS = TestContexts.of("redact").connectorConfig().getStringList("patterns");

    private static String read(String regex) {
        return RequiredLiterals.of(regex).toString();
    }

    @Test
    void everyShippedPatternHasItsLiterals() {
        assertEquals(List.of("bearer (ignoring case)", "eyJ", "AKIA|ASIA", "-----BEGIN", "://"),
                DEFAULTS.stream().map(RequiredLiteralsTest::read).toList());
    }

    @Test
    void onlyWhatEveryMatchMustContain() {
        assertEquals("abc", read("abc[0-9]+"));
        assertEquals("ab", read("abc?"));
        assertEquals("ab", read("abc*d"));
        assertEquals("ab", read("abc{2}"));
        assertEquals("token=", read("^token=\\w+"));
        assertEquals("unknown", read("a"));
        assertEquals("unknown", read("ab?"));
        assertEquals("unknown", read("abc|def"));
        assertEquals("unknown", read("abc(x|y)|z"));
        assertEquals("unknown", read("abc[]|]|z"));
        assertEquals("unknown", read("(?:ab|cd)?x"));
        assertEquals("unknown", read("(?:ab|c)x"));
        assertEquals("unknown", read("(?:a.b|cd)"));
        assertEquals("unknown", read("(?x)a b c"));
        assertEquals("unknown", read("(?iu)bearer"));
        assertEquals("unknown", read("(?i:bearer)"));
        assertEquals("unknown", read("\\Qabc\\E"));
        assertEquals("unknown", read("[a-z]+@"));
        assertEquals("abc", read("abc\\Q|\\E"));
        assertEquals("abc", read("abc[|]"));
        assertEquals("abc", read("abc(?:x|y)"));
    }

    @Test
    void aStringWithoutTheLiteralsNeverMatches() {
        List<String> regexes = new ArrayList<>(DEFAULTS);
        regexes.addAll(List.of("abc[0-9]+", "abc?", "(?i)ab+c", "^token=\\w+", "(?i)(?:ka|KB)\\d", "x-y:z"));
        Random random = new Random(42);
        String alphabet = "abcABCkK-:/=_ tokenbearBEARERyJeAKISQ0123456789.@\u212a\u0130";
        for (String regex : regexes) {
            Pattern pattern = Pattern.compile(regex);
            RequiredLiterals required = RequiredLiterals.of(regex);
            for (int n = 0; n < 20_000; n++) {
                StringBuilder s = new StringBuilder();
                int length = random.nextInt(40);
                for (int i = 0; i < length; i++) {
                    s.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String text = s.toString();
                if (required.absentFrom(text)) {
                    assertFalse(pattern.matcher(text).find(), regex + " matches " + text);
                }
            }
        }
    }

    @Test
    void caseBlindSearchWithoutCopying() {
        assertTrue(RequiredLiterals.containsIgnoringCase("Authorization: BeArEr x", "bearer"));
        assertTrue(RequiredLiterals.containsIgnoringCase("bbbearer", "bearer"));
        assertTrue(RequiredLiterals.containsIgnoringCase("B B BEARER", "bearer"));
        assertFalse(RequiredLiterals.containsIgnoringCase("bear er", "bearer"));
        assertFalse(RequiredLiterals.containsIgnoringCase("", "bearer"));
        assertTrue(RequiredLiterals.containsIgnoringCase("x-Y:z", "x-y:z"));
    }

    @Test
    void theShippedPatternsStillFindTheirSecrets() {
        ValuePatterns patterns = ValuePatterns.compile(DEFAULTS);
        ValuePatterns.Finder finder = patterns.finder();
        for (String secret : List.of("Authorization: BeArEr abc", "eyJhbGciOi.eyJzdWIi.sig", "id AKIAABCDEFGHIJKLMNOP",
                "-----BEGIN RSA PRIVATE KEY-----\nx", "https://user:pw@host/")) {
            assertTrue(finder.anyMatch(secret), secret);
        }
        assertFalse(finder.anyMatch("x".repeat(1000)));
        assertFalse(finder.anyMatch("KIA AKIAABCDEFGHIJKLMNO bearer: x"));
    }
}
