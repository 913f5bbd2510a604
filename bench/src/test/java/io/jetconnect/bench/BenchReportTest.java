package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static RunSample run(double rate, double p50, double p99) {
        long events = 1_000_000;
        long wall = (long) (events * 1e9 / rate);
        return new RunSample(events, rate, p50, p99,
                new ProcessProbe.Spent(wall, events * 10_000, wall / 1_000_000 / 50, events * 20 / 1000, 200 * 1024),
                null);
    }

    private static BenchReport report() {
        BenchReport report = new BenchReport();
        report.machine("machine", "2 cores");
        BenchReport.Row ceiling = report.define("publish", "raw publish", null);
        ceiling.samples.add(run(40_000, 1, 4));
        ceiling.samples.add(run(50_000, 2, 5));
        ceiling.samples.add(run(45_000, 3, 6));
        BenchReport.Row chain = report.define("chain", "chain", BenchReport.Target.ratio("publish", 0.90));
        chain.samples.add(run(36_000, 1, 2));
        chain.samples.add(run(44_000, 1, 2));
        chain.samples.add(run(42_000, 1, 2));
        BenchReport.Row slow = report.define("slow", "slow chain", BenchReport.Target.ratio("publish", 0.95));
        slow.samples.add(run(36_000, 1, 2));
        BenchReport.Row latency = report.define("late", "late", BenchReport.Target.p99("publish", 2));
        latency.samples.add(run(20_000, 1, 9));
        report.define("replay", "replay", BenchReport.Target.ratio("publish", 0.9)).unavailable = "no plugin";
        BenchReport.Row broken = report.define("broken", "broken", null);
        broken.samples.add(RunSample.failed("boom"));
        return report;
    }

    @Test
    void mediansRatiosAndVerdicts() {
        BenchReport report = report();
        BenchReport.Row chain = report.row("chain");
        assertEquals(42_000, chain.rate(), 1e-9);
        assertEquals(42_000 / 45_000.0, report.ratio(chain), 1e-9);
        assertEquals("met", report.verdict(chain));
        assertEquals("MISSED", report.verdict(report.row("slow")));
        assertEquals(9 / 5.0, report.ratio(report.row("late")), 1e-9);
        assertEquals("met", report.verdict(report.row("late")));
        assertEquals("n/a", report.verdict(report.row("replay")));
        assertEquals(10.0, chain.cpuMicros(), 1e-9);
        assertEquals(20.0, chain.serverCpuMicros(), 1e-9);
        assertEquals(200.0, chain.peakRssMib(), 1e-9);
        assertEquals(0.02, chain.gcShare(), 0.001);
    }

    @Test
    void theTableHasARowPerCaseWithItsReason() {
        String table = report().format();
        assertTrue(table.startsWith("machine:       2 cores\n"), table);
        assertTrue(table.matches("(?s).*\\nraw publish\\s+45,000\\s+1\\.00\\s+.*"), table);
        assertTrue(table.matches("(?s).*\\nchain\\s+42,000\\s+0\\.93\\s+>=0\\.90 met\\s+1\\.00\\s+2\\.00\\s+10\\.0"
                + "\\s+20\\.0\\s+2\\.0\\s+200\\n.*"), table);
        assertTrue(table.matches("(?s).*\\nslow chain\\s+36,000\\s+0\\.80\\s+>=0\\.95 MISSED.*"), table);
        assertTrue(table.matches("(?s).*\\nlate\\s+20,000\\s+1\\.80\\s+p99<=2x met.*"), table);
        assertTrue(table.matches("(?s).*\\nreplay\\s+n/a\\s+>=0\\.90 n/a\\s+no plugin\\n.*"), table);
        assertTrue(table.matches("(?s).*\\nbroken\\s+n/a\\s+n/a\\s+failed: boom\\n.*"), table);
    }

    @Test
    void theJsonHasTheSameFigures() throws Exception {
        JsonNode root = new ObjectMapper().readTree(report().json());
        assertEquals("2 cores", root.path("machine").path("machine").asText());
        JsonNode chain = root.path("rows").get(1);
        assertEquals("chain", chain.path("case").asText());
        assertEquals(42_000, chain.path("eventsPerSecond").asLong());
        assertEquals(3, chain.path("runs").size());
        assertEquals(0.933, chain.path("ratio").asDouble(), 1e-9);
        assertEquals(">=0.90", chain.path("target").asText());
        assertEquals("met", chain.path("verdict").asText());
        assertEquals("no plugin", root.path("rows").get(4).path("unavailable").asText());
    }
}
