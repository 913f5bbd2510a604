package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaseProtocolTest {

    private static RunSample roundTrip(String row, RunSample sample) {
        String line = CaseProtocol.sample(row, sample);
        assertFalse(line.contains("\n"), line);
        String[] fields = CaseProtocol.parseReply(line);
        assertEquals(row, fields[1]);
        return CaseProtocol.parseSample(fields);
    }

    @Test
    void aSampleCrossesWhole() {
        RunSample sample = new RunSample(100_000, 91_234.5678, 7.25, 19.875,
                new ProcessProbe.Spent(1_096_000_123L, 2_100_000_456L, 37, 950, 287_104), null);
        assertEquals(sample, roundTrip("chain-hmac", sample));
    }

    @Test
    void aRateOnlySampleKeepsItsMissingLatencies() {
        RunSample sample = RunSample.rateOnly(5000, 50_000_000L, new ProcessProbe.Spent(1, 2, 0, -1, -1));
        RunSample back = roundTrip("replay", sample);
        assertTrue(Double.isNaN(back.p50Millis()) && Double.isNaN(back.p99Millis()));
        assertEquals(sample.rate(), back.rate());
        assertEquals(-1, back.spent().serverCpuMillis());
    }

    @Test
    void aFailureKeepsItsMessageOnOneLine() {
        RunSample back = roundTrip("dlq-drain", RunSample.failed("the drain did not finish:\n3\tof 4"));
        assertFalse(back.ok());
        assertEquals("the drain did not finish: 3 of 4", back.error());
    }

    @Test
    void anythingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CaseProtocol.parseSample("sample\tx\t1".split("\t")));
        assertThrows(IllegalArgumentException.class, () -> CaseProtocol.parseSample(
                "sample\tx\tmany\t1\t1\t1\t1\t1\t1\t1\t1".split("\t")));
        assertThrows(IllegalArgumentException.class, () -> CaseProtocol.parseSample("end".split("\t")));
    }

    @Test
    void whatTheJvmPrintsItselfIsNoReply() {
        assertNull(CaseProtocol.parseReply("[0.557s][info][jfr,startup] Started recording 1."));
        assertNull(CaseProtocol.parseReply("ready"));
        assertArrayEquals(new String[] {"unavailable", "no replay plugin"},
                CaseProtocol.parseReply(CaseProtocol.reply("unavailable", "no replay\tplugin")));
    }

    @Test
    void aRunCommandCarriesItsNumberAndRate() {
        assertEquals("run\t-2\t0.000", CaseProtocol.run(-2, 0));
        assertEquals("run\t1\t61234.500", CaseProtocol.run(1, 61_234.5));
    }

    @Test
    void aFlightRecordingGoesToAFilePerCase() {
        assertEquals("-XX:StartFlightRecording=filename=/tmp/x-chain-hmac.jfr,settings=profile",
                ForkedCase.forCase("-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile", "chain-hmac"));
        assertEquals("-XX:StartFlightRecording=settings=profile,filename=rec-http",
                ForkedCase.forCase("-XX:StartFlightRecording=settings=profile,filename=rec", "http"));
        assertEquals("-XX:StartFlightRecording=filename=/tmp/a.b/rec-http",
                ForkedCase.forCase("-XX:StartFlightRecording=filename=/tmp/a.b/rec", "http"));
        assertEquals("-Xmx256m", ForkedCase.forCase("-Xmx256m", "http"));
    }
}
