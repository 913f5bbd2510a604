package io.jetconnect.bench;

import java.util.Arrays;

/**
 * The emit-to-ack time of every event of a run, in nanoseconds, one slot per event: each completion writes only
 * its own slot, so recording needs no lock, and the percentiles are exact (a sorted copy, not a histogram).
 * Slots never written (events that failed) are left out.
 */
final class Latencies {

    private final long[] nanos;

    Latencies(int events) {
        this.nanos = new long[events];
        Arrays.fill(nanos, -1);
    }

    void record(int event, long latencyNanos) {
        nanos[event] = Math.max(0, latencyNanos);
    }

    /** @return the percentiles asked for, in milliseconds; NaN when nothing was recorded */
    double[] percentilesMillis(double... percentiles) {
        long[] sorted = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
        double[] out = new double[percentiles.length];
        for (int i = 0; i < percentiles.length; i++) {
            out[i] = sorted.length == 0 ? Double.NaN : at(sorted, percentiles[i]) / 1e6;
        }
        return out;
    }

    /** Nearest-rank percentile of a sorted array. */
    static long at(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
