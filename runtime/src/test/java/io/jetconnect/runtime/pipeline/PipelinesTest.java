package io.jetconnect.runtime.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.testing.PluginJars;
import io.jetconnect.testplugin.FlakySink;
import io.jetconnect.testplugin.TickSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting pipelines again after a retriable start failure, from real plugin jars. */
class PipelinesTest {

    @TempDir
    Path dir;

    @Test
    void aPipelineThatCannotStartYetIsStartedAgainAfterTheConfiguredWaits() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.builder(plugins.resolve("test-plugin.jar"), "test-plugin", "1.0")
                .extension(FlakySink.class).extension(TickSource.class)
                .resource("reference.conf", "flaky { fail-opens = 0 }\ntick { count = 1 }")
                .build();
        Path file = Files.writeString(dir.resolve("pipeline.conf"), "jetconnect {\n  plugins-dir = \"" + plugins
                + "\"\n  data-dir = \"" + dir.resolve("data") + "\"\n  nats.embedded = off\n"
                + "  pipeline-start-retry { initial = 50ms, max = 10s, multiplier = 3 }\n"
                + "  pipelines { p { source { type = tick }, sinks = [ { type = flaky, fail-opens = 3 } ] } }\n}\n");
        LoadedConfig config = new PipelineConfigLoader().load(file);
        try (PluginRegistry registry = PluginRegistry.load(config.settings().pluginsDir())) {
            Pipelines pipelines = new Pipelines(new PipelineEnvironment(registry, config.settings(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new IngressRoutes(), new AdminActions()));
            Pipeline first = pipelines.start(new PipelineResolver(registry).resolve(config).get(0));
            assertEquals(PipelineState.WAITING, first.state(), first.lastError().orElse(""));

            await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.get("p").orElseThrow().state()
                    == PipelineState.RUNNING);
            @SuppressWarnings("unchecked")
            List<Long> opens = (List<Long>) registry.type("flaky").extensionClass().getField("OPENS").get(null);
            assertEquals(4, opens.size(), "three refused opens, then the one that runs");
            long[] waits = {50, 150, 450};
            for (int i = 0; i < waits.length; i++) {
                long gap = Duration.ofNanos(opens.get(i + 1) - opens.get(i)).toMillis();
                assertTrue(gap >= waits[i], "start " + (i + 2) + " came " + gap + " ms after the one before, not "
                        + waits[i] + " ms or more");
            }
            // The reference's waits (1 s, 2 s, 4 s) would take 7 s: these are the configured ones.
            long total = Duration.ofNanos(opens.get(3) - opens.get(0)).toMillis();
            assertTrue(total < 5000, "three waits took " + total + " ms");
            pipelines.stopAll();
        }
    }
}
