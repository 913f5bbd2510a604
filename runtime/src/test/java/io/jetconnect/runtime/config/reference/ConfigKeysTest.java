package io.jetconnect.runtime.config.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

    private static List<ConfigKey> keys(String text) {
        return ConfigKeys.of(ConfigFactory.parseString(text).resolve());
    }

    @Test
    void eachKeyHasItsTypeDefaultAndTheCommentAboveItInFileOrder() {
        List<ConfigKey> keys = keys("""
                # How long to wait.
                # Two lines of it.
                timeout = 30s
                http {
                  # The port.
                  port = 8083
                  max = 256MiB
                }
                enabled = true
                ratio = 0.5
                names = [a, b]
                empty {}
                file = null
                """);
        assertEquals(List.of(
                new ConfigKey("timeout", "duration", "30s", "How long to wait. Two lines of it."),
                new ConfigKey("http.port", "integer", "8083", "The port."),
                new ConfigKey("http.max", "size", "256MiB", ""),
                new ConfigKey("enabled", "boolean", "true", ""),
                new ConfigKey("ratio", "number", "0.5", ""),
                new ConfigKey("names", "list", "[a,b]", ""),
                new ConfigKey("empty", "object", "{}", ""),
                new ConfigKey("file", "string", "null", "")), keys);
    }

    @Test
    void aCommentedOutKeyIsAnOptionalKeyDocumentedByTheLinesAboveIt() {
        List<ConfigKey> keys = keys("""
                # Where plugins are loaded from.
                # plugins-dir = plugins
                # Where state is kept.
                data-dir = data
                """);
        assertEquals(List.of(new ConfigKey("plugins-dir", "string", "(unset)", "Where plugins are loaded from."),
                new ConfigKey("data-dir", "string", "data", "Where state is kept.")), keys);
    }

    @Test
    void aWholeNumberWrittenWithADecimalPointIsANumber(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // Typesafe Config reads 2.0 as the integer 2; the doc must still say the key takes a fraction.
        java.nio.file.Path file = dir.resolve("reference.conf");
        java.nio.file.Files.writeString(file, "backoff {\n  multiplier = 2.0\n  attempts = 3\n}\n");
        assertEquals(List.of(new ConfigKey("backoff.multiplier", "number", "2.0", ""),
                new ConfigKey("backoff.attempts", "integer", "3", "")),
                ConfigKeys.of(ConfigFactory.parseFile(file.toFile()).resolve()));
    }
}
