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

    private static final List<String> ROWS = List.of("publish", "chain-hmac", "chain-ed25519", "http", "dlq-spill",
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
                "HTTP ingest, 8 x 100-event batches, hmac chain", "dlq spill, broker killed (circuit open)",
                "dlq drain after the restart", "raw jnats fetch, batches of 256 (read ceiling)",
                "raw jnats iterate, pipelined pulls of 256",
                "replay source drain into a discarding sink", "raw publishAsync at half the ceiling's rate",
                "chain hmac at half the ceiling's rate")) {
            assertTrue(out.contains("\n" + label + " "), label + " missing:\n" + out);
        }
        for (String column : List.of("events/s", "ratio", "target", "p50 ms", "p99 ms", "gc %", "rss MiB")) {
            assertTrue(out.contains(column), column + " missing:\n" + out);
        }
        assertTrue(out.contains("nats-server:   2."), out);

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
}
