package io.jetconnect.plugins.http;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The http source's meters: {@code jetconnect.source.events{source=http}}, the events the chain durably handled,
 * {@code jetconnect.http.requests{status}}, the answers given by status code, and
 * {@code jetconnect.http.request} ({@code jetconnect_http_request_seconds}, a histogram with buckets), the time from
 * the request reaching the source to its answer (the 202 waits for the chain: JetStream's PubAck or the spill's
 * fsync); and, when {@code auth.mode} is not {@code none}, {@code jetconnect.http.auth{outcome}}: {@code ok}, {@code missing}, {@code invalid} (credentials)
 * or {@code forbidden} (a tenant they may not write). No label ever holds a token or a principal.
 */
final class HttpMetrics {

    private final PluginMetrics metrics;
    private final PluginMetrics.Counter events;
    private final Map<Integer, PluginMetrics.Counter> requests = new ConcurrentHashMap<>();
    private final PluginMetrics.Timer latency;
    private final Map<String, PluginMetrics.Counter> auth = new ConcurrentHashMap<>();

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

    void authenticated(String outcome) {
        auth.computeIfAbsent(outcome, o -> metrics.counter("jetconnect.http.auth",
                "Ingest requests by the outcome of checking their credentials", "outcome", o)).increment();
    }

    void answered(int status) {
        requests.computeIfAbsent(status, s -> metrics.counter("jetconnect.http.requests",
                "Requests the http source answered, by status code", "status", Integer.toString(s))).increment();
    }
}
