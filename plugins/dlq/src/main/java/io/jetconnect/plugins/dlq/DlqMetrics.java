package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.PluginMetrics;

/**
 * The {@code dlq} layer's metrics. Exported to Prometheus (every one with the {@code pipeline} label) as
 * {@code jetconnect_dlq_events} (records in the log not yet drained), {@code jetconnect_dlq_bytes} (size of the
 * log's segment files), {@code jetconnect_dlq_max_bytes} (its max-bytes), {@code jetconnect_dlq_oldest_age_seconds} (seconds since the
 * oldest record not yet drained was spilled; 0 when empty), {@code jetconnect_dlq_quarantine_bytes} (size of the
 * quarantine's files) and {@code jetconnect_dlq_quarantine_max_bytes} (its quarantine-max-bytes), {@code jetconnect_dlq_spilled_total}, {@code jetconnect_dlq_drained_total},
 * {@code jetconnect_dlq_quarantined_total} and {@code jetconnect_dlq_refused_total{reason=full|io|closed|order}} (emits
 * refused with backpressure because the log is full, cannot be written, or the layer is closed, or because an
 * earlier event of the same subject was refused and has not been sent again: {@code reason=order}).
 */
final class DlqMetrics {

    final PluginMetrics.Counter spilled;
    final PluginMetrics.Counter drained;
    final PluginMetrics.Counter quarantined;
    private final PluginMetrics metrics;

    DlqMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        this.spilled = metrics.counter("jetconnect.dlq.spilled",
                "Events appended to the spill log and synced to disk");
        this.drained = metrics.counter("jetconnect.dlq.drained",
                "Spilled events the wrapped sink took while draining");
        this.quarantined = metrics.counter("jetconnect.dlq.quarantined",
                "Events and corrupt log ranges written to the quarantine");
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
        return metrics.counter("jetconnect.dlq.refused",
                "Emits refused with backpressure: the log is full (full), cannot be written (io) or is closed (closed), or"
                        + " an earlier event of the same subject was refused and not sent again (order)",
                "reason", reason);
    }
}
