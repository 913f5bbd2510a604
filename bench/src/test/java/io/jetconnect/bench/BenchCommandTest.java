package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.cli.ClasspathVerb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The bench as the runtime sees it: a verb found with ServiceLoader, its help and its usage errors. */
class BenchCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new BenchCommand().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theRuntimeFindsTheBenchVerbOnTheClassPath() {
        List<ClasspathVerb> verbs = ServiceLoader.load(ClasspathVerb.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("bench")).toList();
        assertEquals(1, verbs.size(), verbs.toString());
        assertTrue(verbs.get(0) instanceof BenchCommand, verbs.toString());
    }

    @Test
    void helpPrintsTheUsageAndExits0() {
        assertEquals(0, run("--only", "http", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: jetconnect bench "), out.toString());
    }

    @Test
    void aBadOptionExits2WithTheUsage() {
        assertEquals(2, run("--count", "many"));
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("bench: ") && said.contains("usage: jetconnect bench"), said);
    }
}
