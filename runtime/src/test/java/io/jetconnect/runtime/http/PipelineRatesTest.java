package io.jetconnect.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void ratesAreTheCountersDifferenceOverTheTimeBetweenReadings() {
        AtomicLong now = new AtomicLong(0);
        PipelineRates rates = new PipelineRates(now::get);
        assertEquals(new PipelineRates.Rates(0, 0, 0), rates.sample("p", 100, 90));
        now.set(2 * SECOND);
        assertEquals(new PipelineRates.Rates(50, 40, 2), rates.sample("p", 200, 170));
        // Asked again within the second: the last rates, not a rate over a few milliseconds.
        now.set(2 * SECOND + 10_000_000L);
        assertEquals(new PipelineRates.Rates(50, 40, 2), rates.sample("p", 201, 171));
        now.set(3 * SECOND);
        assertEquals(new PipelineRates.Rates(0, 0, 1), rates.sample("p", 200, 170));
    }

    @Test
    void aRestartedPipelineWhoseCountersWentDownStartsAgain() {
        AtomicLong now = new AtomicLong(0);
        PipelineRates rates = new PipelineRates(now::get);
        rates.sample("p", 1000, 1000);
        now.set(SECOND);
        assertEquals(new PipelineRates.Rates(0, 0, 0), rates.sample("p", 5, 5));
        now.set(2 * SECOND);
        assertEquals(new PipelineRates.Rates(10, 10, 1), rates.sample("p", 15, 15));
    }

    @Test
    void forgetsRemovedPipelines() {
        AtomicLong now = new AtomicLong(0);
        PipelineRates rates = new PipelineRates(now::get);
        rates.sample("gone", 10, 10);
        rates.retain(Set.of("other"));
        now.set(SECOND);
        assertEquals(new PipelineRates.Rates(0, 0, 0), rates.sample("gone", 20, 20));
    }
}
