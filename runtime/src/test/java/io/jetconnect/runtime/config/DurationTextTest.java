package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void aDurationIsNamedAsPipelineConfWouldWriteIt() {
        assertEquals("10s", DurationText.of(Duration.ofSeconds(10)));
        assertEquals("250ms", DurationText.of(Duration.ofMillis(250)));
        assertEquals("1500ms", DurationText.of(Duration.ofMillis(1500)));
    }
}
