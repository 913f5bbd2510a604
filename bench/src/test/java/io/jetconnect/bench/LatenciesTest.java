package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void nearestRankPercentilesInMillisecondsSkippingUnrecorded() {
        Latencies latencies = new Latencies(101);
        for (int i = 0; i < 100; i++) {
            latencies.record(i, (i + 1) * 1_000_000L);
        }
        assertArrayEquals(new double[] {50, 99, 100}, latencies.percentilesMillis(50, 99, 100), 1e-9);
    }

    @Test
    void nothingRecordedIsNaN() {
        assertTrue(Double.isNaN(new Latencies(3).percentilesMillis(50)[0]));
    }
}
