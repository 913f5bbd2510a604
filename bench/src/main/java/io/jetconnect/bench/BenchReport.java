package io.jetconnect.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table: one row per measured thing with the median of its runs, its ratio to the ceiling measured in the same
 * bench, the target and whether it is met; printed as text or written as JSON.
 */
final class BenchReport {

    /** What a row is compared with: a ratio of a ceiling's rate, or a p99 against another row's. */
    record Target(String ceiling, double minRatio, boolean latency) {

        static Target ratio(String ceiling, double minRatio) {
            return new Target(ceiling, minRatio, false);
        }

        /** A ratio to a ceiling, shown without a target. */
        static Target info(String ceiling) {
            return new Target(ceiling, Double.NaN, false);
        }

        /** The row's p99 must be at most {@code factor} times the other row's p99. */
        static Target p99(String other, double factor) {
            return new Target(other, factor, true);
        }

        String describe() {
            if (Double.isNaN(minRatio)) {
                return "";
            }
            return latency ? String.format(Locale.ROOT, "p99<=%.0fx", minRatio)
                    : String.format(Locale.ROOT, ">=%.2f", minRatio);
        }
    }

    /** A row's definition and its runs. */
    static final class Row {

        final String key;
        final String label;
        final Target target;
        final List<RunSample> samples = new ArrayList<>();
        String unavailable;
        String note = "";

        Row(String key, String label, Target target) {
            this.key = key;
            this.label = label;
            this.target = target;
        }

        boolean failed() {
            return samples.stream().anyMatch(s -> !s.ok());
        }

        String firstError() {
            return samples.stream().filter(s -> !s.ok()).map(RunSample::error).findFirst().orElse(null);
        }

        boolean measured() {
            return unavailable == null && !samples.isEmpty() && !failed();
        }

        double rate() {
            return median(samples.stream().mapToDouble(RunSample::rate).toArray());
        }

        double p50() {
            return median(samples.stream().mapToDouble(RunSample::p50Millis).toArray());
        }

        double p99() {
            return median(samples.stream().mapToDouble(RunSample::p99Millis).toArray());
        }

        /** @return this JVM's CPU per event in microseconds, median of the runs */
        double cpuMicros() {
            return median(samples.stream().filter(s -> s.spent().cpuNanos() >= 0)
                    .mapToDouble(s -> s.spent().cpuNanos() / 1e3 / s.events()).toArray());
        }

        /** @return the server's CPU per event in microseconds, median of the runs; NaN if unknown */
        double serverCpuMicros() {
            return median(samples.stream().filter(s -> s.spent().serverCpuMillis() >= 0)
                    .mapToDouble(s -> s.spent().serverCpuMillis() * 1e3 / s.events()).toArray());
        }

        /** @return GC time over wall time, all runs together */
        double gcShare() {
            long gc = samples.stream().mapToLong(s -> s.spent().gcMillis()).sum();
            long wall = samples.stream().mapToLong(s -> s.spent().wallNanos()).sum();
            return wall == 0 ? Double.NaN : gc * 1e6 / wall;
        }

        /** @return the highest peak RSS of the runs, in MiB */
        double peakRssMib() {
            return samples.stream().mapToLong(s -> s.spent().peakRssKib()).max().orElse(-1) / 1024.0;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    Row define(String key, String label, Target target) {
        Row row = new Row(key, label, target);
        rows.put(key, row);
        return row;
    }

    Row row(String key) {
        return rows.get(key);
    }

    List<Row> rows() {
        return List.copyOf(rows.values());
    }

    void machine(String key, String value) {
        machine.put(key, value);
    }

    void note(String note) {
        notes.add(note);
    }

    /** @return the row's rate over its ceiling's, or its p99 over the other row's p99; NaN if either is missing */
    double ratio(Row row) {
        if (!row.measured()) {
            return Double.NaN;
        }
        if (row.target == null) {
            return 1.0;
        }
        Row other = rows.get(row.target.ceiling());
        if (other == null || !other.measured()) {
            return Double.NaN;
        }
        return row.target.latency() ? row.p99() / other.p99() : row.rate() / other.rate();
    }

    /** @return "met", "MISSED", or "n/a" when the row or its ceiling was not measured; "" without a target */
    String verdict(Row row) {
        if (row.target == null) {
            return row.measured() ? "" : "n/a";
        }
        double r = ratio(row);
        if (Double.isNaN(r)) {
            return "n/a";
        }
        if (Double.isNaN(row.target.minRatio())) {
            return "";
        }
        boolean met = row.target.latency() ? r <= row.target.minRatio() : r >= row.target.minRatio();
        return met ? "met" : "MISSED";
    }

    /** @return the table as text, with the machine above it and the notes below */
    String format() {
        StringBuilder out = new StringBuilder();
        machine.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%-14s %s%n", k + ":", v)));
        out.append('\n');
        String header = String.format(Locale.ROOT, "%-50s %10s %7s %9s %-7s %8s %8s %8s %8s %6s %7s%n", "case",
                "events/s", "ratio", "target", "", "p50 ms", "p99 ms", "cpu us", "srv us", "gc %", "rss MiB");
        out.append(header);
        out.append("-".repeat(header.length() - 1)).append('\n');
        for (Row row : rows.values()) {
            if (!row.measured()) {
                String why = row.unavailable != null ? row.unavailable
                        : row.samples.isEmpty() ? "not run" : "failed: " + row.firstError();
                out.append(String.format(Locale.ROOT, "%-50s %10s %7s %9s %-7s %s%n", row.label, "n/a", "",
                        row.target == null ? "" : row.target.describe(), "n/a", why));
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-50s %10s %7s %9s %-7s %8s %8s %8s %8s %6s %7s%n", row.label,
                    String.format(Locale.ROOT, "%,.0f", row.rate()), fixed(ratio(row), 2),
                    row.target == null ? "" : row.target.describe(), verdict(row), fixed(row.p50(), 2),
                    fixed(row.p99(), 2), fixed(row.cpuMicros(), 1), fixed(row.serverCpuMicros(), 1),
                    fixed(row.gcShare() * 100, 1), fixed(row.peakRssMib(), 0)));
        }
        List<String> all = new ArrayList<>(notes);
        for (Row row : rows.values()) {
            if (row.measured() && !row.note.isEmpty()) {
                all.add(row.key + ": " + row.note);
            }
        }
        if (!all.isEmpty()) {
            out.append('\n');
            all.forEach(n -> out.append(n).append('\n'));
        }
        return out.toString();
    }

    private static String fixed(double value, int decimals) {
        return Double.isNaN(value) || value < 0 ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** @return the table as a JSON document */
    String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode m = root.putObject("machine");
        machine.forEach(m::put);
        ArrayNode list = root.putArray("rows");
        for (Row row : rows.values()) {
            ObjectNode r = list.addObject();
            r.put("case", row.key);
            r.put("label", row.label);
            if (!row.measured()) {
                r.put("unavailable", row.unavailable != null ? row.unavailable
                        : row.samples.isEmpty() ? "not run" : "failed: " + row.firstError());
            } else {
                r.put("eventsPerSecond", Math.round(row.rate()));
                ArrayNode runs = r.putArray("runs");
                row.samples.forEach(s -> runs.add(Math.round(s.rate())));
                number(r, "p50Millis", row.p50());
                number(r, "p99Millis", row.p99());
                number(r, "cpuMicrosPerEvent", row.cpuMicros());
                number(r, "serverCpuMicrosPerEvent", row.serverCpuMicros());
                number(r, "gcTimeShare", row.gcShare());
                number(r, "peakRssMiB", row.peakRssMib());
            }
            number(r, "ratio", ratio(row));
            if (row.target != null && !Double.isNaN(row.target.minRatio())) {
                r.put("target", row.target.describe());
                r.put("compareWith", row.target.ceiling());
            }
            r.put("verdict", verdict(row));
            if (!row.note.isEmpty()) {
                r.put("note", row.note);
            }
        }
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || value < 0) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 1000) / 1000.0);
        }
    }

    static double median(double[] values) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
