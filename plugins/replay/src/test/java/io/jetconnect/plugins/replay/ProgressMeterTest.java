package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {

    @Test
    void reportsRateSinceTheLastSampleAndTheTimeLeft() {
        ProgressMeter meter = new ProgressMeter(0, 0);
        long fiveSeconds = TimeUnit.SECONDS.toNanos(5);
        assertEquals("50000 events done, 150000 remaining, 10000/s, ETA 15s",
                meter.sample(fiveSeconds, 50_000, 150_000));
        assertEquals("60000 events done, 140000 remaining, 2000/s, ETA 1m10s",
                meter.sample(2 * fiveSeconds, 60_000, 140_000));
        assertEquals("60000 events done, 140000 remaining, 0/s, ETA unknown",
                meter.sample(3 * fiveSeconds, 60_000, 140_000));
        assertEquals("60000 events done, 0 remaining, 0/s, ETA 0s", meter.sample(4 * fiveSeconds, 60_000, 0));
    }

    @Test
    void longEtasInHours() {
        assertEquals("2h0m", ProgressMeter.eta(7200, 1.0));
    }
}
