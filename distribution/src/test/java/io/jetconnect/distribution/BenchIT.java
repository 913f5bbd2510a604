package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jetconnect bench} of the built distribution, tiny: every row of the table is there, measured (the
 * replay row may say n/a when the replay plugin is not installed), and the JSON says the same. Asserts no figure:
 * the machine is shared and the run is far too short for one to mean anything.
 */
class BenchIT {

    private static final List<String> ROWS = List.of("publish", "chain-hmac", "chain-ed25519", "http", "http-tls", "dlq-spill",
            "dlq-drain", "fetch", "iterate", "replay", "publish-half", "chain-hmac-half");

    @TempDir
    Path work;

    @Test
    void aShortBenchPrintsEveryRow() throws Exception {
        Path json = work.resolve("bench.json");
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "bench", "--count", "2000", "--runs", "1",
                "--warmup", "0", "--json", json.toString());
        assertEquals(0, result.exitCode(), result.output());
        String out = result.output();
        for (String label : List.of("raw jnats publishAsync (publish ceiling)",
                "chain [redact, sign(hmac-sha256), dlq, jetstream]", "chain [redact, sign(ed25519), dlq, jetstream]",
                "HTTP ingest, 8 x 100-event batches, hmac chain", "HTTPS ingest, 8 x 100-event batches, hmac chain",
                "dlq spill, broker killed (circuit open)",
                "dlq drain after the restart", "raw jnats fetch, batches of 256",
                "raw jnats iterate, pipelined pulls of 256 (read ceiling)",
                "replay source drain into a discarding sink", "raw publishAsync at half the ceiling's rate",
                "chain hmac at half the ceiling's rate")) {
            assertTrue(out.contains("\n" + label + " "), label + " missing:\n" + out);
        }
        for (String column : List.of("events/s", "ratio", "target", "p50 ms", "p99 ms", "gc %", "rss MiB")) {
            assertTrue(out.contains(column), column + " missing:\n" + out);
        }
        assertTrue(out.contains("nats-server:   2."), out);
        assertTrue(out.contains("; each case in a JVM of its own with these flags"), out);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        Map<String, JsonNode> rows = new HashMap<>();
        root.path("rows").forEach(row -> rows.put(row.path("case").asText(), row));
        assertEquals(ROWS.size(), rows.size(), rows.keySet().toString());
        for (String key : ROWS) {
            JsonNode row = rows.get(key);
            assertTrue(row != null, key + " missing from the JSON");
            assertFalse(row.path("unavailable").asText().startsWith("failed"), row.toString());
            if (key.equals("replay") && row.has("unavailable")) {
                assertTrue(row.path("unavailable").asText().contains("replay"), row.toString());
                continue;
            }
            assertTrue(row.path("eventsPerSecond").asLong() > 0, row.toString());
            assertTrue(row.path("peakRssMiB").asDouble() > 0, row.toString());
            assertTrue(row.has("gcTimeShare"), row.toString());
        }
    }

    /** A case whose JVM cannot set it up (no plugins here) says why in its row; the ceiling is still measured. */
    @Test
    void aCaseThatCannotBeSetUpSaysWhyAndTheOthersRun() throws Exception {
        Path json = work.resolve("broken.json");
        Path noPlugins = java.nio.file.Files.createDirectories(work.resolve("no-plugins"));
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "bench", "--plugins-dir",
                noPlugins.toString(), "--only", "chain-hmac", "--count", "1000", "--runs", "1", "--warmup", "0",
                "--json", json.toString());
        assertEquals(1, result.exitCode(), result.output());
        Map<String, JsonNode> rows = new HashMap<>();
        new ObjectMapper().readTree(json.toFile()).path("rows").forEach(row -> rows.put(row.path("case").asText(),
                row));
        assertTrue(rows.get("publish").path("eventsPerSecond").asLong() > 0, rows.get("publish").toString());
        String why = rows.get("chain-hmac").path("unavailable").asText();
        assertTrue(why.startsWith("cannot set up: ") && why.contains("no plugin provides a decorator named 'redact'"),
                why);
    }

    /** {@code --jvm shared}, every case in the bench's own JVM (one process to profile), measures the same rows. */
    @Test
    void everyCaseCanRunInTheBenchsOwnJvm() throws Exception {
        Path json = work.resolve("shared.json");
        RuntimeProcess.Result result = RuntimeProcess.exec(work, Map.of(), "bench", "--jvm", "shared", "--only",
                "chain-hmac,replay", "--count", "1000", "--runs", "1", "--warmup", "0", "--json", json.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("; every case in this JVM"), result.output());
        Map<String, JsonNode> rows = new HashMap<>();
        new ObjectMapper().readTree(json.toFile()).path("rows").forEach(row -> rows.put(row.path("case").asText(),
                row));
        for (String key : List.of("publish", "chain-hmac", "fetch", "replay")) {
            assertTrue(rows.get(key).path("eventsPerSecond").asLong() > 0, rows.get(key).toString());
        }
    }
}
