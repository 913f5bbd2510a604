package io.jetconnect.bench;

import java.util.List;
import java.util.Map;

/**
 * One thing the bench measures, giving one or more rows of the table per run. {@link #run} is called once per
 * warm-up and once per measured run, the cases taking turns (one run of each, then the next round), so that a
 * machine that gets busier or quieter during the bench affects every case alike.
 */
interface BenchCase extends AutoCloseable {

    /** @return the keys of the rows each run gives, in table order */
    List<String> rows();

    /**
     * Runs once.
     *
     * @param run the run's number, from 0; warm-ups have negative numbers
     * @param rate the total rate to send at in events per second, or 0 for as fast as it goes
     * @return a sample per row key
     */
    Map<String, RunSample> run(int run, double rate) throws Exception;

    /** @return what the last run has to say of its rows besides figures, by row key (the table prints it) */
    default Map<String, String> notes() {
        return Map.of();
    }

    @Override
    default void close() throws Exception {
    }
}
