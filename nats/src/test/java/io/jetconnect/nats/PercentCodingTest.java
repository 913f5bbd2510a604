package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentCodingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a%20b|a b", "%C3%A9|é", "%c3%a9|é",
        // Stray percent signs stay as they are.
        "100%|100%", "%zz|%zz", "%2|%2",
        // A character beyond the BMP is kept whole.
        "😀%20%|😀 %"})
    void decodesValidEscapesAsUtf8AndLeavesStrayPercentSigns(String encoded, String decoded) {
        assertEquals(decoded, PercentCoding.decode(encoded));
    }
}
