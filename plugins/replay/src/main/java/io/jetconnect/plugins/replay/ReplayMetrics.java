package io.jetconnect.plugins.replay;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The meters of a {@code replay} or {@code live-tail} source, each tagged {@code source=<type>}:
 * <ul>
 *   <li>{@code jetconnect.source.events}: events the chain durably handled;</li>
 *   <li>{@code jetconnect.source.cursor}: the last stream sequence up to which every event was handled;</li>
 *   <li>{@code jetconnect.source.lag.events}: the stream's last sequence minus the cursor;</li>
 *   <li>{@code jetconnect.source.gap.events}: events the stream's retention removed before they were read;</li>
 *   <li>{@code jetconnect.source.invalid{reason}}: messages skipped because they are not CloudEvents;</li>
 *   <li>{@code jetconnect.source.acks.dropped}: a durable consumer's acks and naks that could not be sent.</li>
 * </ul>
 */
final class ReplayMetrics {

    private final PluginMetrics metrics;
    private final String type;
    private final PluginMetrics.Counter events;
    private final PluginMetrics.Counter gap;
    private final PluginMetrics.Counter acksDropped;
    private final Map<String, PluginMetrics.Counter> invalid = new ConcurrentHashMap<>();

    ReplayMetrics(PluginMetrics metrics, String type, LongSupplier cursor, LongSupplier lag) {
        this.metrics = metrics;
        this.type = type;
        this.events = metrics.counter("jetconnect.source.events",
                "Events the source handed to the chain and the chain durably handled", "source", type);
        this.gap = metrics.counter("jetconnect.source.gap.events",
                "Events the stream's retention removed before the source could read them", "source", type);
        this.acksDropped = metrics.counter("jetconnect.source.acks.dropped",
                "Acks and naks of a durable consumer that could not be sent; the server delivers those events again",
                "source", type);
        metrics.gauge("jetconnect.source.cursor",
                "Last stream sequence up to which every event read was durably handled", cursor::getAsLong,
                "source", type);
        metrics.gauge("jetconnect.source.lag.events", "The stream's last sequence minus the source's cursor",
                lag::getAsLong, "source", type);
    }

    /** Replaces the lag gauge by one that keeps following the stream after the reader stopped (a pause). */
    void stopped(LongSupplier lag) {
        metrics.gauge("jetconnect.source.lag.events", "The stream's last sequence minus the source's cursor",
                lag::getAsLong, "source", type);
    }

    void handled() {
        events.increment();
    }

    void gap(long missing) {
        gap.increment(missing);
    }

    void ackDropped() {
        acksDropped.increment();
    }

    void invalid(String reason) {
        invalid.computeIfAbsent(reason, r -> metrics.counter("jetconnect.source.invalid",
                "Messages the source skipped because they are not CloudEvents", "source", type, "reason", r))
                .increment();
    }
}
