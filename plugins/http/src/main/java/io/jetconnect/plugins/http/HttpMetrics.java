package io.jetconnect.plugins.http;

import io.jetconnect.spi.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The http source's meters: {@code jetconnect.source.events{source=http}}, the events the chain durably handled,
 * {@code jetconnect.http.requests{status}}, the answers given by status code, and, when {@code auth.mode} is not
 * {@code none}, {@code jetconnect.http.auth{outcome}}: {@code ok}, {@code missing}, {@code invalid} (credentials)
 * or {@code forbidden} (a tenant they may not write). No label ever holds a token or a principal.
 */
final class HttpMetrics {

    private final PluginMetrics metrics;
    private final PluginMetrics.Counter events;
    private final Map<Integer, PluginMetrics.Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, PluginMetrics.Counter> auth = new ConcurrentHashMap<>();

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

    void authenticated(String outcome) {
        auth.computeIfAbsent(outcome, o -> metrics.counter("jetconnect.http.auth",
                "Ingest requests by the outcome of checking their credentials", "outcome", o)).increment();
    }

    void answered(int status) {
        requests.computeIfAbsent(status, s -> metrics.counter("jetconnect.http.requests",
                "Requests the http source answered, by status code", "status", Integer.toString(s))).increment();
    }
}
