package io.jetconnect.bench;

/**
 * One run of one row: its rate, latency percentiles (NaN where the row has no emit-to-ack latency), and what the
 * process and the server spent; or the error that ended it.
 *
 * @param events events the run counted
 * @param rate events per second
 * @param p50Millis median emit-to-ack latency
 * @param p99Millis 99th percentile emit-to-ack latency
 * @param spent what the run spent (null for a failed run)
 * @param error why the run failed, or null
 */
record RunSample(long events, double rate, double p50Millis, double p99Millis, ProcessProbe.Spent spent,
                 String error) {

    static RunSample failed(String error) {
        return new RunSample(0, Double.NaN, Double.NaN, Double.NaN, null, error);
    }

    /** A run measured by the {@link LoadDriver}. */
    static RunSample of(LoadDriver.Outcome outcome, ProcessProbe.Spent spent) {
        if (outcome.failed() > 0) {
            return failed(outcome.failed() + " of " + outcome.events() + " events failed, first: "
                    + outcome.firstFailure());
        }
        double[] p = outcome.latencies().percentilesMillis(50, 99);
        return new RunSample(outcome.events(), outcome.rate(), p[0], p[1], spent, null);
    }

    /** A run with a rate only (reads, drains). */
    static RunSample rateOnly(long events, long nanos, ProcessProbe.Spent spent) {
        return new RunSample(events, events * 1e9 / nanos, Double.NaN, Double.NaN, spent, null);
    }

    boolean ok() {
        return error == null;
    }
}
