package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed reads plugins rely on: backoff blocks and declared {@link Setting}s, refused with file and line. */
class HoconConnectorConfigTypedTest {

    enum Mode {
        NONE, TOKEN_OR_MTLS
    }


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


    private static <T> T read(String hocon, Setting<T> setting) {
        return block(hocon).get(setting);
    }

    private static String refusal(String hocon, Setting<?> setting) {
        String message = assertThrows(ConfigurationException.class, () -> read(hocon, setting)).getMessage();
        String file = dir.resolve("pipeline.conf") + ":1: ";
        assertTrue(message.startsWith(file), message);
        return message.substring(file.length());
    }

    private static final String AT = "Invalid value at 'jetconnect.pipelines.p.sinks[0].";

    @Test
    void numbersOutsideTheirRangeAreRefusedWithFileLineAndPath() {
        Setting<Integer> batch = Setting.integer("batch-size", 1, 10_000);
        assertEquals(10_000, read("batch-size = 10000", batch));
        assertEquals(AT + "batch-size': must be between 1 and 10000", refusal("batch-size = 0", batch));
        assertEquals(AT + "batch-size': must be between 1 and 10000", refusal("batch-size = 10001", batch));
        assertEquals(AT + "n': must be at least 2", refusal("n = 1", Setting.integer("n", 2, Integer.MAX_VALUE)));
        assertTrue(refusal("batch-size = many", batch).contains("batch-size"), "the config's own type error");
    }

    @Test
    void sizesAreWrittenInBytes() {
        assertEquals(AT + "max-bytes': must be at least 1 byte",
                refusal("max-bytes = 0", Setting.bytes("max-bytes", 1, Long.MAX_VALUE)));
        assertEquals(AT + "body': must be between 1 byte and 4096 bytes",
                refusal("body = 4097", Setting.bytes("body", 1, 4096)));
        assertEquals(AT + "body': must be between 2 bytes and 4096 bytes",
                refusal("body = 1", Setting.bytes("body", 2, 4096)));
        assertEquals(4096L, read("body = 4KiB", Setting.bytes("body", 1, 4096)));
    }

    @Test
    void aWaitMayBeZeroButAnIntervalMayNot() {
        assertEquals(Duration.ZERO, read("retry-after = 0s", Setting.duration("retry-after")));
        assertEquals(AT + "retry-after': must not be negative",
                refusal("retry-after = -1ms", Setting.duration("retry-after")));
        assertEquals(AT + "ack-wait': must be positive",
                refusal("ack-wait = 0s", Setting.positiveDuration("ack-wait")));
        assertEquals(Duration.ofSeconds(2), read("ack-wait = 2s", Setting.positiveDuration("ack-wait")));
        assertEquals(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                read("b { initial = 1s, max = 2s }", Setting.backoff("b")));
    }

    @Test
    void aChoiceIsAnEnumConstantWrittenInLowerCaseWithHyphens() {
        Setting<Mode> mode = Setting.choice("auth.mode", Mode.class);
        assertEquals(Mode.TOKEN_OR_MTLS, read("auth.mode = token-or-mtls", mode));
        assertEquals(Mode.NONE, read("auth.mode = \" NONE \"", mode));
        assertEquals(AT + "auth.mode': must be none or token-or-mtls", refusal("auth.mode = token_or_mtls", mode));
        assertEquals("token-or-mtls", Setting.choiceName(Mode.TOKEN_OR_MTLS));
    }

    @Test
    void checksAndConversionsReportAtTheSettingsPath() {
        Setting<String> name = Setting.text("durable").map(String::trim)
                .require(s -> !s.contains(" "), "a consumer name has no white space");
        assertEquals("abc", read("durable = \" abc \"", name));
        assertEquals(AT + "durable': a consumer name has no white space", refusal("durable = \"a b\"", name));
        Setting<Integer> parsed = Setting.text("threads").map(Integer::parseInt);
        assertEquals(4, read("threads = \"4\"", parsed));
        assertEquals(AT + "threads': For input string: \"four\"", refusal("threads = four", parsed));
        assertEquals(List.of("a"), read("fields = [a]", Setting.textList("fields")));
        assertEquals(true, read("fsync = true", Setting.flag("fsync")));
    }
}
