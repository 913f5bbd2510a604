package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DlqSettingsTest {

    private static DlqSettings settings(String hocon) {
        return DlqSettings.from(TestContexts.of("dlq").config(hocon).connectorConfig());
    }

    @Test
    void defaultsComeFromReferenceConf() {
        DlqSettings s = settings("");

        assertEquals(DlqSettings.Fsync.BATCH, s.fsync);
        assertEquals(Duration.ofMillis(50), s.fsyncInterval);
        assertEquals(1L << 30, s.maxBytes);
        assertEquals(64L << 20, s.segmentBytes);
        assertEquals(Duration.ofSeconds(1), s.retryAfter);
        assertEquals(1024, s.drainInFlight);
        assertEquals(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)), s.drainBackoff);
    }

    @Test
    void refusesAnUnknownFsyncMode() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings("fsync = sometimes"));
        assertTrue(e.getMessage().contains("fsync"), e.getMessage());
    }

    @Test
    void refusesSegmentsLargerThanTheLog() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("max-bytes = 1MiB\nsegment-bytes = 2MiB"));
        assertTrue(e.getMessage().contains("segment-bytes"), e.getMessage());
    }

    @Test
    void refusesABackoffCeilingBelowItsStart() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("drain.backoff.initial = 2s\ndrain.backoff.max = 1s"));
        assertTrue(e.getMessage().contains("drain.backoff.max'"), e.getMessage());
    }

    @Test
    void readsTheDrainBackoffWithItsMultiplier() {
        DlqSettings s = settings("drain.backoff { initial = 50ms, max = 2s, multiplier = 1.5 }");
        assertEquals(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(2)).withMultiplier(1.5),
                s.drainBackoff);
        assertEquals(Duration.ofMillis(75), s.drainBackoff.delay(1));
        assertEquals(Duration.ofMillis(100), settings("drain.backoff.multiplier = 1").drainBackoff.delay(1000),
                "a multiplier of 1 keeps the wait fixed");
    }

    @Test
    void refusesAShrinkingDrainBackoff() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("drain.backoff.multiplier = 0.5"));
        assertTrue(e.getMessage().contains("drain.backoff.multiplier'"), e.getMessage());
    }
}
