package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineRatesTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(0);
    private final PipelineRates rates = new PipelineRates(now::get);

    @Test
    void ratesAreTheCountersDifferenceOverTheTimeBetweenReadings() {
        assertEquals(rates(0, 0, 0), sampleAt(0, "p", 100, 90));
        assertEquals(rates(50, 40, 2), sampleAt(2 * SECOND, "p", 200, 170));
        // Asked again within the second: the last rates, not a rate over a few milliseconds.
        assertEquals(rates(50, 40, 2), sampleAt(2 * SECOND + 10_000_000L, "p", 201, 171));
        assertEquals(rates(0, 0, 1), sampleAt(3 * SECOND, "p", 200, 170));
    }

    @Test
    void aRestartedPipelineWhoseCountersWentDownStartsAgain() {
        sampleAt(0, "p", 1000, 1000);
        assertEquals(rates(0, 0, 0), sampleAt(SECOND, "p", 5, 5));
        assertEquals(rates(10, 10, 1), sampleAt(2 * SECOND, "p", 15, 15));
    }

    @Test
    void forgetsRemovedPipelines() {
        sampleAt(0, "gone", 10, 10);
        rates.retain(Set.of("other"));
        assertEquals(rates(0, 0, 0), sampleAt(SECOND, "gone", 20, 20));
    }

    private PipelineRates.Rates sampleAt(long nanos, String pipeline, long in, long out) {
        now.set(nanos);
        return rates.sample(pipeline, in, out);
    }

    private static PipelineRates.Rates rates(double inPerSecond, double outPerSecond, double seconds) {
        return new PipelineRates.Rates(inPerSecond, outPerSecond, seconds);
    }
}
