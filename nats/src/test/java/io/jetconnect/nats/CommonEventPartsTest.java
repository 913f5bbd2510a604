package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CommonEventPartsTest {

    /** The SDK's pattern, as {@code JsonFormat.dataIsJsonContentType} has it. */
    private static final Pattern SDK = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    private static final String[] PIECES = {"application/", "text/", "json", "+", "a", "Z", "vnd", ";", " ", "x",
        "\n", "\r", "\u2028", "\u0085", "/", "charset=utf-8", "JSON", "9"};

    @Test
    void agreesWithTheSdksPatternOnRandomTypes() {
        long seed = Long.getLong("jetconnect.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder type = new StringBuilder();
            for (int n = random.nextInt(7); n >= 0; n--) {
                type.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String t = type.toString();
            assertEquals(SDK.matcher(t).matches(), CommonEventParts.sdkJson(t), () -> "seed " + seed + ": " + t);
        }
    }

    @Test
    void aLongRunOfParametersEndingInALineBreakIsRefusedAtOnce() {
        String hostile = "application/json" + ";".repeat(200_000) + "\n";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertFalse(CommonEventParts.sdkJson(hostile)));
    }

    @Test
    void aUtf16DocumentIsRefusedAsNotAnEventRatherThanCrashingTheReader() {
        String doc = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}}";
        for (java.nio.charset.Charset wide : new java.nio.charset.Charset[] {StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE, java.nio.charset.Charset.forName("UTF-32LE")}) {
            assertThrows(InvalidMessageException.class, () -> StructuredReader.read(doc.getBytes(wide)), wide::name);
        }
    }
}
