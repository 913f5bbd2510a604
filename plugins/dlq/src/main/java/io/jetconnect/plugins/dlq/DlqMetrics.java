package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code dlq} layer's metrics. Exported to Prometheus (every one with the {@code pipeline} label) as
 * {@code jetconnect_dlq_events} (records in the log not yet drained), {@code jetconnect_dlq_bytes} (size of the
 * log's segment files), {@code jetconnect_dlq_max_bytes} (its max-bytes), {@code jetconnect_dlq_oldest_age_seconds} (seconds since the
 * oldest record not yet drained was spilled; 0 when empty), {@code jetconnect_dlq_quarantine_bytes} (size of the
 * quarantine's files) and {@code jetconnect_dlq_quarantine_max_bytes} (its quarantine-max-bytes), {@code jetconnect_dlq_spilled_total}, {@code jetconnect_dlq_drained_total},
 * {@code jetconnect_dlq_quarantined_total} and {@code jetconnect_dlq_refused_total{reason=full|io|closed|order}} (emits
 * refused with backpressure because the log is full, cannot be written, or the layer is closed, or because an
 * earlier event of the same subject was refused and has not been sent again: {@code reason=order}).
 *
 * <p>The counters are also kept here, so that the layer's status for the admin API ({@link #status}) reads the same
 * figures without going through the meters.
 */
final class DlqMetrics {

    final Tally spilled;
    final Tally drained;
    final Tally quarantined;
    private final PluginMetrics metrics;
    private final Map<String, Tally> refused = new ConcurrentHashMap<>();

    DlqMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        this.spilled = new Tally(metrics.counter("jetconnect.dlq.spilled",
                "Events appended to the spill log and synced to disk"));
        this.drained = new Tally(metrics.counter("jetconnect.dlq.drained",
                "Spilled events the wrapped sink took while draining"));
        this.quarantined = new Tally(metrics.counter("jetconnect.dlq.quarantined",
                "Events and corrupt log ranges written to the quarantine"));
    }

    /** A counter that also keeps its count, for {@link #status}. */
    static final class Tally implements PluginMetrics.Counter {

        private final PluginMetrics.Counter meter;
        private final LongAdder count = new LongAdder();

        Tally(PluginMetrics.Counter meter) {
            this.meter = meter;
        }

        @Override
        public void increment() {
            count.increment();
            meter.increment();
        }

        @Override
        public void increment(double amount) {
            count.add((long) amount);
            meter.increment(amount);
        }

        long count() {
            return count.sum();
        }
    }

    /**
     * The layer's status for the admin API: the documented fields of {@code GET /v1/pipelines/{name}/dlq} and the
     * rest of what an operator asks about a spill. Cheap (atomic reads and one short lock in the log's age) and
     * thread-safe.
     *
     * @param spilling whether new events go to the log (a drain is due) rather than straight to the wrapped sink
     */
    Map<String, Object> status(SpillLog log, Quarantine quarantine, boolean spilling, long maxBytes,
                               long quarantineMaxBytes) {
        Map<String, Object> byReason = new TreeMap<>();
        refused.forEach((reason, tally) -> byReason.put(reason, tally.count()));
        return Map.ofEntries(
                Map.entry("depth", log.depth()),
                Map.entry("bytes", log.bytes()),
                Map.entry("maxBytes", maxBytes),
                Map.entry("oldestAgeSeconds", Math.round(log.oldestAgeSeconds())),
                Map.entry("spilled", spilled.count()),
                Map.entry("drained", drained.count()),
                Map.entry("quarantined", quarantined.count()),
                Map.entry("quarantineBytes", quarantine.bytes()),
                Map.entry("quarantineMaxBytes", quarantineMaxBytes),
                Map.entry("refused", Map.copyOf(byReason)),
                Map.entry("mode", spilling ? "spilling" : "passing"));
    }


    void gauges(SpillLog log, long maxBytes) {
        metrics.gauge("jetconnect.dlq.max.bytes", "The spill log's max-bytes: emits get backpressure beyond it",
                () -> maxBytes);
        metrics.gauge("jetconnect.dlq.events", "Events in the spill log not yet drained", log::depth);
        metrics.gauge("jetconnect.dlq.bytes", "Size of the spill log's segment files in bytes", log::bytes);
        metrics.gauge("jetconnect.dlq.oldest.age.seconds",
                "Seconds since the oldest event not yet drained was spilled; 0 when the log is empty",
                log::oldestAgeSeconds);
    }

    void quarantineGauges(Quarantine quarantine, long maxBytes) {
        metrics.gauge("jetconnect.dlq.quarantine.bytes",
                "Bytes the quarantine (quarantine.jsonl and quarantine/) takes on disk", quarantine::bytes);
        metrics.gauge("jetconnect.dlq.quarantine.max.bytes",
                "The quarantine's quarantine-max-bytes: the drain waits rather than quarantine beyond it",
                () -> maxBytes);
    }

    PluginMetrics.Counter refused(String reason) {
        return refused.computeIfAbsent(reason, r -> new Tally(metrics.counter("jetconnect.dlq.refused",
                "Emits refused with backpressure: the log is full (full), cannot be written (io) or is closed (closed), or"
                        + " an earlier event of the same subject was refused and not sent again (order)",
                "reason", r)));
    }
}
