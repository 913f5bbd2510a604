package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    private static BenchOptions parse(String... args) {
        return BenchOptions.parse(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsMeasureEverythingOnOneKibibyteEvents() {
        BenchOptions o = parse();
        assertEquals(1024, o.size());
        assertEquals(100_000, o.count());
        assertEquals(3, o.runs());
        assertEquals(4, o.warmups());
        assertEquals(1, o.concurrency());
        assertEquals(1024, o.window());
        assertEquals(8, o.httpConnections());
        assertEquals(100, o.httpBatch());
        assertEquals(Optional.empty(), o.natsUrl());
        assertTrue(o.jvmPerCase());
        for (String c : BenchOptions.CASES) {
            assertEquals(!c.equals("layers"), o.wants(c), c);
        }
        assertTrue(parse("--only", "layers").wants("layers"));
    }

    @Test
    void everyOptionTakesSpaceOrEqualsAndSuffixes() {
        BenchOptions o = parse("--size", "2KiB", "--count=20k", "--runs", "5", "--warmup=0", "--concurrency", "2",
                "--window", "256", "--http-connections", "4", "--http-batch=50", "--nats-url",
                "nats://127.0.0.1:4222", "--json", "out.json", "--plugins-dir", "plugs", "--only", "chain-hmac, dlq");
        assertEquals(2048, o.size());
        assertEquals(20_000, o.count());
        assertEquals(5, o.runs());
        assertEquals(0, o.warmups());
        assertEquals(2, o.concurrency());
        assertEquals(256, o.window());
        assertEquals(4, o.httpConnections());
        assertEquals(50, o.httpBatch());
        assertEquals(Optional.of("nats://127.0.0.1:4222"), o.natsUrl());
        assertEquals(Optional.of(Path.of("out.json")), o.json());
        assertEquals(Optional.of(Path.of("plugs")), o.pluginsDir());
        assertEquals(Set.of("chain-hmac", "dlq"), o.only());
        assertTrue(o.wants("dlq"));
        assertFalse(o.wants("http"));
    }

    @Test
    void aCaseJvmGetsTheSameLoadAndRunsItsOneCaseInItself() {
        BenchOptions o = parse("--size", "2KiB", "--count=20k", "--runs", "5", "--warmup=2", "--concurrency", "2",
                "--window", "256", "--http-connections", "4", "--http-batch=50", "--only", "dlq", "--json", "x.json");
        BenchOptions child = BenchOptions.parse(o.forCase());
        assertEquals(new BenchOptions(2048, 20_000, 5, 2, 2, 256, 4, 50, Optional.empty(), Set.of(),
                Optional.empty(), Optional.empty(), false), child);
        assertFalse(parse("--jvm", "shared").jvmPerCase());
        assertTrue(parse("--jvm=per-case").jvmPerCase());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown option --sise", error("--sise", "10"));
        assertEquals("--count needs a value", error("--count"));
        assertEquals("--count takes a whole number, not 'many'", error("--count", "many"));
        assertEquals("--runs must be between 1 and 2147483647, not 0", error("--runs", "0"));
        assertEquals("unexpected argument 'fast'", error("fast"));
        assertEquals("--jvm takes per-case or shared, not 'one'", error("--jvm", "one"));
        assertTrue(error("--only", "chain,dlq").startsWith("--only: unknown case 'chain'; known: publish, "));
    }

    @Test
    void usageNamesEveryOption() {
        String usage = BenchOptions.usage();
        for (String option : List.of("--size", "--count", "--runs", "--warmup", "--concurrency", "--window",
                "--http-connections", "--http-batch", "--nats-url", "--only", "--json", "--plugins-dir", "--jvm")) {
            assertTrue(usage.contains(option), option);
        }
    }
}
