package io.jetconnect.plugins.http;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The http source's meters: {@code jetconnect.source.events{source=http}}, the events the chain durably handled,
 * {@code jetconnect.http.requests{status}}, the answers given by status code, and
 * {@code jetconnect.http.request} ({@code jetconnect_http_request_seconds}, a histogram with buckets), the time from
 * the request reaching the source to its answer (the 202 waits for the chain: JetStream's PubAck or the spill's fsync).
 */
final class HttpMetrics {

    private final PluginMetrics metrics;
    private final PluginMetrics.Counter events;
    private final Map<Integer, PluginMetrics.Counter> requests = new ConcurrentHashMap<>();
    private final PluginMetrics.Timer latency;

    HttpMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        this.events = metrics.counter("jetconnect.source.events",
                "Events the source handed to the chain and the chain durably handled", "source", "http");
        this.latency = metrics.timer("jetconnect.http.request",
                "Time from an ingest request reaching the source to its answer");
    }

    void handled(int count) {
        if (count > 0) {
            events.increment(count);
        }
    }

    void answered(int status, long nanos) {
        latency.recordNanos(nanos);
        answered(status);
    }

    void answered(int status) {
        requests.computeIfAbsent(status, s -> metrics.counter("jetconnect.http.requests",
                "Requests the http source answered, by status code", "status", Integer.toString(s))).increment();
    }
}
