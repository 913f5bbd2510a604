package io.jetconnect.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.BuildVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RuntimeMetersTest {

    private static String text(MetricsFormat format) {
        return new String(format.body(), StandardCharsets.UTF_8);
    }

    @Test
    void buildInfoCarriesTheVersionMavenFilteredIn() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RuntimeMeters(registry);
        assertTrue(BuildVersion.version().matches("\\d+\\.\\d+\\.\\d+.*"), BuildVersion.version());
        String scrape = text(MetricsFormat.scrape(registry, null));
        assertTrue(scrape.contains("jetconnect_build_info{version=\"" + BuildVersion.version() + "\"} 1"), scrape);
    }

    @Test
    void reloadsAreCountedByOutcome() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RuntimeMeters meters = new RuntimeMeters(registry);
        meters.reloaded();
        meters.reloadFailed();
        meters.reloadFailed();
        RuntimeMeters.startFailures(registry, "ingest").increment();
        String scrape = text(MetricsFormat.scrape(registry, "text/plain"));
        assertTrue(scrape.contains("jetconnect_reloads_total{outcome=\"success\"} 1.0"), scrape);
        assertTrue(scrape.contains("jetconnect_reloads_total{outcome=\"failure\"} 2.0"), scrape);
        assertTrue(scrape.contains("jetconnect_pipeline_start_failures_total{pipeline=\"ingest\"} 1.0"), scrape);
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RuntimeMeters(registry).reloaded();
        // What Prometheus sends by default.
        MetricsFormat open = MetricsFormat.scrape(registry, "application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals(MetricsFormat.OPENMETRICS, open.contentType());
        assertTrue(text(open).endsWith("# EOF\n"), text(open));
        assertTrue(text(open).contains("jetconnect_reloads_total{outcome=\"success\"} 1.0"), text(open));

        MetricsFormat plain = MetricsFormat.scrape(registry, "text/plain");
        assertEquals(MetricsFormat.TEXT, plain.contentType());
        assertFalse(text(plain).contains("# EOF"));
    }
}
