package io.jetconnect.bench;

import java.util.List;
import java.util.Map;

/** A case that gives one row per run. */
abstract class OneRowCase implements BenchCase {

    private final String row;

    OneRowCase(String row) {
        this.row = row;
    }

    @Override
    public final List<String> rows() {
        return List.of(row);
    }

    @Override
    public final Map<String, RunSample> run(int run, double rate) throws Exception {
        return Map.of(row, runOnce(run, rate));
    }

    /** Runs once, as {@link BenchCase#run}. */
    abstract RunSample runOnce(int run, double rate) throws Exception;
}
