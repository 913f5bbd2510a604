package io.jetconnect.runtime.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Content negotiation of {@code GET /metrics}: OpenMetrics when the scraper's {@code Accept} asks for
 * {@code application/openmetrics-text} (as Prometheus does by default), else the Prometheus text format 0.0.4.
 * Independent of the HTTP server, so any transport can call it.
 *
 * @param contentType the response's {@code Content-Type}
 * @param body the exposition
 */
public record MetricsFormat(String contentType, byte[] body) {

    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * @param registry the registry to scrape
     * @param accept the request's {@code Accept} header; may be null
     * @return the exposition in the format asked for
     */
    public static MetricsFormat scrape(PrometheusMeterRegistry registry, String accept) {
        boolean openMetrics = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
        String type = openMetrics ? OPENMETRICS : TEXT;
        return new MetricsFormat(type, registry.scrape(type).getBytes(StandardCharsets.UTF_8));
    }
}
