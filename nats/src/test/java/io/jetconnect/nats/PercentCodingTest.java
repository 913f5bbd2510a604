package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PercentCodingTest {

    @Test
    void decodesValidEscapesAsUtf8AndLeavesStrayPercentSigns() {
        assertEquals("a b", PercentCoding.decode("a%20b"));
        assertEquals("é", PercentCoding.decode("%C3%A9"));
        assertEquals("é", PercentCoding.decode("%c3%a9"));
        assertEquals("100%", PercentCoding.decode("100%"));
        assertEquals("%zz", PercentCoding.decode("%zz"));
        assertEquals("%2", PercentCoding.decode("%2"));
        assertEquals("😀 %", PercentCoding.decode("😀%20%"), "a character beyond the BMP kept whole");
    }
}
