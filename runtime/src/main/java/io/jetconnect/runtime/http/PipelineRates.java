package io.jetconnect.runtime.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Events per second in and out of each pipeline, for {@code GET /v1/pipelines} and {@code jetconnect top}: the
 * difference of its counters between two readings at least {@link #MIN_INTERVAL_NANOS} apart, divided by the time
 * between them. Readings are taken when the API is asked (no thread of its own): a client polling once a second sees
 * the last second's rates; one asking more often gets the last rates computed. A counter that went down (the pipeline
 * restarted and its meters started from zero) starts a new reading. Thread-safe.
 */
final class PipelineRates {

    static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

    /** The rates of one pipeline; {@code seconds} is the interval they cover, 0 before a second reading. */
    record Rates(double inPerSecond, double outPerSecond, double seconds) {
    }

    private record Reading(long nanos, long in, long out, Rates rates) {
    }

    private final LongSupplier clock;
    private final Map<String, Reading> last = new ConcurrentHashMap<>();

    PipelineRates(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * @param pipeline its name
     * @param in events its source handed on so far
     * @param out events its terminal sink completed so far
     * @return its rates from the previous reading to this one
     */
    Rates sample(String pipeline, long in, long out) {
        long now = clock.getAsLong();
        Reading updated = last.compute(pipeline, (name, before) -> {
            if (before == null || in < before.in() || out < before.out()) {
                return new Reading(now, in, out, new Rates(0, 0, 0));
            }
            long elapsed = now - before.nanos();
            if (elapsed < MIN_INTERVAL_NANOS) {
                return before;
            }
            double seconds = elapsed / 1e9;
            return new Reading(now, in, out, new Rates((in - before.in()) / seconds, (out - before.out()) / seconds,
                    seconds));
        });
        return updated.rates();
    }

    /** Forgets pipelines no longer listed, so a removed one does not keep its reading. */
    void retain(java.util.Set<String> names) {
        last.keySet().retainAll(names);
    }
}
