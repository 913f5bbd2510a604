package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SinkSettingsTest {

    private static final String BASE = "stream = events, subject = \"t.{tenantId}.v1\"";

    private static SinkSettings settings(String hocon) {
        return SinkSettings.from(TestContexts.of("jetstream").config(hocon).connectorConfig());
    }

    @Test
    void defaultsComeFromReferenceConf() {
        SinkSettings s = settings(BASE);
        assertEquals("events", s.stream());
        assertEquals("t.*.v1", s.subject().wildcard());
        assertFalse(s.binary());
        assertEquals(4096, s.maxInFlight());
        assertEquals(Duration.ofSeconds(5), s.ackTimeout());
        assertEquals(3, s.retryAttempts());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(400)), s.retryWaits());
        assertEquals(Duration.ofMillis(100), s.backoffInitial());
        assertEquals(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(180)), s.backoff());
        assertEquals(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), s.startRetry());
        assertEquals(Duration.ofSeconds(30), s.owedPatience(), "its own setting, not backoff.max");
        assertFalse(s.ownConnection(), "sinks share connections unless told not to");
    }

    @Test
    void waitsRepeatTheLastOne() {
        SinkSettings s = settings(BASE);
        assertEquals(Duration.ofMillis(100), s.waitAfter(1));
        assertEquals(Duration.ofMillis(400), s.waitAfter(2));
        assertEquals(Duration.ofMillis(400), s.waitAfter(7));
    }

    @Test
    void overridesAreRead() {
        SinkSettings s = settings(BASE + ", mode = binary, max-in-flight = 10, ack-timeout = 2s, "
                + "retry { attempts = 5, waits = [1s, \"2 s\", 1.5m] }, backoff { initial = 1s, max = 1s }");
        assertTrue(s.binary());
        assertEquals(10, s.maxInFlight());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(90)), s.retryWaits());
        assertEquals(Duration.ofSeconds(7), settings(BASE + ", owed-patience = 7s").owedPatience());
        assertTrue(settings(BASE + ", connection = own").ownConnection());
        org.junit.jupiter.api.Assertions.assertThrows(io.jetconnect.spi.ConfigurationException.class,
                () -> settings(BASE + ", connection = private"));
    }

    @Test
    void backoffsKeepTheirKeysAndTakeAMultiplier() {
        SinkSettings s = settings(BASE + ", backoff { initial = 1s, max = 1s }, "
                + "start-retry { initial = 50ms, max = 2s, multiplier = 1.5 }");
        assertEquals(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)), s.backoff());
        assertEquals(Duration.ofSeconds(1), s.backoffInitial());
        assertEquals(1.5, s.startRetry().multiplier());
        assertEquals(Duration.ofMillis(75), s.startRetry().delay(1));
        assertEquals(Duration.ofSeconds(2), s.startRetry().max());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "subject = \"t.{tenantId}.v1\"|stream",
            "stream = events|subject",
            "stream = \"  \", subject = a|stream",
            "stream = events, subject = \"a..b\"|subject",
            "stream = events, subject = \"a.{tenant}\"|subject",
            "stream = events, subject = \"a.>\"|subject",
            "stream = events, subject = a, mode = fancy|mode",
            "stream = events, subject = a, max-in-flight = 0|max-in-flight",
            "stream = events, subject = a, ack-timeout = 0s|ack-timeout",
            "stream = events, subject = a, retry.attempts = 0|retry.attempts",
            "stream = events, subject = a, retry.waits = [soon]|retry.waits",
            "stream = events, subject = a, retry.waits = []|retry.waits",
            "stream = events, subject = a, backoff.initial = 0s|backoff.initial",
            "stream = events, subject = a, backoff { initial = 2s, max = 1s }|backoff.max",
            "stream = events, subject = a, backoff.multiplier = 0.5|backoff.multiplier",
            "stream = events, subject = a, start-retry.initial = 0s|start-retry.initial",
            "stream = events, subject = a, start-retry { initial = 2s, max = 1s }|start-retry.max",
            "stream = events, subject = a, owed-patience = 0s|owed-patience"})
    void badValuesNameTheirPath(String hocon, String path) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(hocon));
        assertTrue(e.getMessage().contains("sinks[0]." + path + "'"), e.getMessage());
    }

    @Test
    void durationsAsHoconWritesThem() {
        assertEquals(Duration.ofMillis(250), SinkSettings.parseDuration("250"));
        assertEquals(Duration.ofMillis(250), SinkSettings.parseDuration("250 milliseconds"));
        assertEquals(Duration.ofMillis(1500), SinkSettings.parseDuration("1.5s"));
        assertEquals(Duration.ofHours(2), SinkSettings.parseDuration("2h"));
        assertEquals(Duration.ofNanos(7), SinkSettings.parseDuration("7ns"));
        assertNull(SinkSettings.parseDuration("ms"));
        assertNull(SinkSettings.parseDuration("3 fortnights"));
    }
}
