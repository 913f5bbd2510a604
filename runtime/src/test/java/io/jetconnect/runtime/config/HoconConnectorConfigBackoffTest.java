package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoconConnectorConfigBackoffTest {

    @TempDir
    static Path dir;

    private static HoconConnectorConfig block(String hocon) {
        try {
            Path file = Files.writeString(dir.resolve("pipeline.conf"), hocon);
            return new HoconConnectorConfig(ConfigFactory.parseFile(file.toFile()), "jetconnect.pipelines.p.sinks[0]");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsABackoffBlockWithTheDefaultMultiplier() {
        Backoff b = block("retry.backoff { initial = 100ms, max = 30s }").getBackoff("retry.backoff");
        assertEquals(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)), b);
        assertEquals(1.5, block("b { initial = 1s, max = 2s, multiplier = 1.5 }").getBackoff("b").multiplier());
    }

    @Test
    void namesTheFileLineAndPathOfAWaitThatCannotWork() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> block("b {\n initial = 5s\n max = 1s\n}").getBackoff("b"));
        assertTrue(e.getMessage().contains("pipeline.conf:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("jetconnect.pipelines.p.sinks[0].b.max"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> block("b { initial = 0s, max = 1s }").getBackoff("b"));
        assertThrows(ConfigurationException.class,
                () -> block("b { initial = 1s, max = 2s, multiplier = 0.5 }").getBackoff("b"));
        assertThrows(ConfigurationException.class, () -> block("b { initial = 1s }").getBackoff("b"));
    }
}
