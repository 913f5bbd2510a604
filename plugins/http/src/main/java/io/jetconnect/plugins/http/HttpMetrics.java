package io.jetconnect.plugins.http;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The http source's meters: {@code jetconnect.source.events{source=http}}, the events the chain durably handled,
 * and {@code jetconnect.http.requests{status}}, the answers given by status code.
 */
final class HttpMetrics {

    private final PluginMetrics metrics;
    private final PluginMetrics.Counter events;
    private final Map<Integer, PluginMetrics.Counter> requests = new ConcurrentHashMap<>();

    HttpMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        this.events = metrics.counter("jetconnect.source.events",
                "Events the source handed to the chain and the chain durably handled", "source", "http");
    }

    void handled(int count) {
        if (count > 0) {
            events.increment(count);
        }
    }

    void answered(int status) {
        requests.computeIfAbsent(status, s -> metrics.counter("jetconnect.http.requests",
                "Requests the http source answered, by status code", "status", Integer.toString(s))).increment();
    }
}
