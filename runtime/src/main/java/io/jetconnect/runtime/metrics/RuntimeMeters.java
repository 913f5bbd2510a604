package io.jetconnect.runtime.metrics;

import io.jetconnect.runtime.BuildVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The runtime's own meters, outside any pipeline's life: {@code jetconnect_build_info{version}} (always 1, the
 * version as a label, as Prometheus' own {@code prometheus_build_info}), reloads by outcome, and start failures per
 * pipeline. Start failures are registered in the registry itself rather than with the pipeline's meters, so that a
 * start retried every few seconds keeps one counter that grows instead of one that a new attempt resets.
 */
public final class RuntimeMeters {

    private final MeterRegistry registry;
    private final Counter reloadSucceeded;
    private final Counter reloadFailed;

    public RuntimeMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("jetconnect.build.info", () -> 1)
                .description("1; the runtime's version as the version label")
                .tag("version", BuildVersion.version())
                .register(registry);
        String reloads = "jetconnect.reloads";
        String help = "Reloads of pipeline.conf (SIGHUP or POST /v1/reload), by outcome";
        reloadSucceeded = Counter.builder(reloads).description(help).tag("outcome", "success").register(registry);
        reloadFailed = Counter.builder(reloads).description(help).tag("outcome", "failure").register(registry);
    }

    /** Counts a reload that applied the new file. */
    public void reloaded() {
        reloadSucceeded.increment();
    }

    /** Counts a reload that was rejected (invalid file) or failed; the running pipelines were left as they were. */
    public void reloadFailed() {
        reloadFailed.increment();
    }

    /** Registers a pipeline's start-failure counter at 0, so the series exists before the first failure. */
    public static Counter startFailures(MeterRegistry registry, String pipeline) {
        return Counter.builder("jetconnect.pipeline.start.failures")
                .description("Starts of the pipeline that failed (retried ones included: NATS unreachable)")
                .tag("pipeline", pipeline)
                .register(registry);
    }

    /** @return the registry these meters are in */
    public MeterRegistry registry() {
        return registry;
    }
}
