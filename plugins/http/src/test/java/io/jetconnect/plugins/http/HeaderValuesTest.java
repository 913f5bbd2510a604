package io.jetconnect.plugins.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderValuesTest {

    @Test
    void plainValuesPassThroughTrimmed() {
        assertEquals("com.example.created", HeaderValues.decode("  com.example.created\t"));
    }

    @Test
    void percentEncodingIsDecodedOnceAsUtf8() {
        assertEquals("Euro \u20ac \ud83d\ude00", HeaderValues.decode("Euro%20%E2%82%AC%20%F0%9F%98%80"));
        assertEquals("a%20b", HeaderValues.decode("a%2520b"));
        assertEquals("abc", HeaderValues.decode("%61%62%63"), "needlessly encoded values are accepted");
        assertEquals("\u00e9", HeaderValues.decode("%c3%a9"), "lower-case hex is accepted");
    }

    @Test
    void quotedStringsAreUnescapedBeforePercentDecoding() {
        assertEquals("a \"quoted\" value", HeaderValues.decode("\"a \\\"quoted\\\" value\""));
        assertEquals("x y", HeaderValues.decode("\"x%20y\""));
        assertEquals("unencoded space", HeaderValues.decode("unencoded space"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C0%A0", "%FF", "%E2%82", "%ED%A0%80", "%", "%4", "%G1", "\"open", "\"esc\\",
            "caf\u00e9", "line\nbreak", "del\u007f"})
    void undecodableValuesAreRefused(String raw) {
        assertThrows(IllegalArgumentException.class, () -> HeaderValues.decode(raw));
    }
}
