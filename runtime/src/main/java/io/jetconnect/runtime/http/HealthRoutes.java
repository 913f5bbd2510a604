package io.jetconnect.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz} (200 while the process is up; answered on the event loop, so it stays fast under any load),
 * {@code /readyz} (200 when every pipeline takes events, else 503) and {@code /metrics} (Prometheus text); the last
 * two run on a worker thread.
 */
final class HealthRoutes {

    private final PrometheusMeterRegistry meters;
    private final Supplier<HttpListener.Readiness> readiness;

    HealthRoutes(PrometheusMeterRegistry meters, Supplier<HttpListener.Readiness> readiness) {
        this.meters = meters;
        this.readiness = readiness;
    }

    void healthz(Exchange exchange, String method) {
        if (HttpListener.requireGet(exchange, method)) {
            HttpListener.sendJson(exchange, 200, Map.of(),
                    HttpListener.JSON.createObjectNode().put("status", "ok").toString());
        }
    }

    void readyz(Exchange exchange, String method) {
        if (HttpListener.requireGet(exchange, method)) {
            HttpListener.Readiness r = readiness.get();
            HttpListener.sendJson(exchange, r.ready() ? 200 : 503, Map.of(), r.json());
        }
    }

    void metrics(Exchange exchange, String method) {
        if (HttpListener.requireGet(exchange, method)) {
            // OpenMetrics when the scraper asks for it (Accept), else Prometheus text.
            io.jetconnect.runtime.metrics.MetricsFormat m = io.jetconnect.runtime.metrics.MetricsFormat.scrape(meters,
                    exchange.getRequestHeaders().getFirst("Accept"));
            HttpListener.send(exchange, 200, m.contentType(), Map.of("Vary", "Accept"), m.body());
        }
    }
}
