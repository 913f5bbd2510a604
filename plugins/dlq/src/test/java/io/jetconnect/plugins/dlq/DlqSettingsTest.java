package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(Duration.ofMillis(100), s.backoffInitial);
        assertEquals(Duration.ofSeconds(30), s.backoffMax);
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
        assertThrows(ConfigurationException.class,
                () -> settings("drain.backoff.initial = 2s\ndrain.backoff.max = 1s"));
    }
}
