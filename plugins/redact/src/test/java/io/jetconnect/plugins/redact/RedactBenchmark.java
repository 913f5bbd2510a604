package io.jetconnect.plugins.redact;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cloudevents.CloudEvent;
import io.jetconnect.runtime.config.HoconConnectorConfig;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.testing.MicroBenchmark;
import io.jetconnect.testing.SampleEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The {@code redact} layer's work per event with the shipped defaults (its {@code reference.conf}): an event of
 * about 1 KiB like the ones {@code jetconnect bench} sends (JSON data, nothing to redact, the common case), and
 * one with a password field and a bearer token (the layer then builds a changed copy). Run with the others as
 * docs/performance.md says ({@code -Pjmh}); never part of the normal build's tests.
 */
public class RedactBenchmark extends MicroBenchmark {

    private RedactingSink sink;
    private CloudEvent clean;
    private CloudEvent secrets;

    @Setup
    public void setUp() {
        Config reference = ConfigFactory.parseResources(RedactBenchmark.class.getClassLoader(), "reference.conf");
        RedactRules rules = RedactRules.from(new HoconConnectorConfig(reference.getConfig("redact").resolve(),
                "jetconnect.pipelines.bench.sinks[0]"));
        sink = new RedactingSink(rules, e -> CompletableFuture.completedFuture(null),
                new MicrometerPluginMetrics(new SimpleMeterRegistry(), "bench"));
        String filler = "x".repeat(820);
        clean = SampleEvents.measured();
        secrets = event("{\"tenantId\":\"acme\",\"user\":{\"name\":\"ann\",\"password\":\"hunter2\"},"
                + "\"headers\":{\"auth\":\"Bearer abc.def.ghi\"},\"payload\":\"" + filler + "\"}");
    }

    private static CloudEvent event(String data) {
        return SampleEvents.measured(data).build();
    }

    @Benchmark
    public CloudEvent nothingToRedact() {
        return sink.redact(clean);
    }

    @Benchmark
    public CloudEvent passwordAndBearerToken() {
        return sink.redact(secrets);
    }
}
