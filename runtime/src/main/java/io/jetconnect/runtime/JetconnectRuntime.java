package io.jetconnect.runtime;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.http.HttpListener;
import io.jetconnect.runtime.http.LiveFeed;
import io.jetconnect.runtime.nats.RuntimeNats;
import io.jetconnect.spi.StreamSpec;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import io.jetconnect.runtime.metrics.Metrics;
import io.jetconnect.runtime.nats.EmbeddedNats;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.runtime.pipeline.Pipeline;
import io.jetconnect.runtime.pipeline.PipelineEnvironment;
import io.jetconnect.runtime.pipeline.PipelineResolver;
import io.jetconnect.runtime.pipeline.Pipelines;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} verb's process: loads the plugins, starts the embedded NATS server if wanted, the HTTP
 * listener and every pipeline; {@link #close()} stops them in reverse order. Configuration errors are thrown
 * before anything starts.
 */
public final class JetconnectRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetconnectRuntime.class);

    private final PluginRegistry plugins;
    private final Optional<EmbeddedNats> embedded;
    private final PrometheusMeterRegistry meters;
    private final HttpListener http;
    private final Pipelines pipelines;

    private final RuntimeNats nats;
    private final ScheduledExecutorService timers;

    private JetconnectRuntime(PluginRegistry plugins, Optional<EmbeddedNats> embedded,
                              PrometheusMeterRegistry meters, HttpListener http, Pipelines pipelines,
                              RuntimeNats nats, ScheduledExecutorService timers) {
        this.nats = nats;
        this.timers = timers;
        this.plugins = plugins;
        this.embedded = embedded;
        this.meters = meters;
        this.http = http;
        this.pipelines = pipelines;
    }

    /**
     * Starts everything.
     *
     * @throws io.jetconnect.runtime.config.ConfigProblems if a pipeline does not resolve against the plugins
     * @throws IOException if the HTTP listener cannot bind
     */
    public static JetconnectRuntime start(LoadedConfig config) throws IOException {
        RuntimeSettings settings = config.settings();
        PluginRegistry plugins = PluginRegistry.load(settings.pluginsDir());
        List<ResolvedPipeline> resolved;
        try {
            PipelineResolver.Resolution resolution = new PipelineResolver(plugins).resolveWithWarnings(config);
            resolved = resolution.pipelines();
            resolution.warnings().forEach(w -> LOG.warn("{}", w));
        } catch (RuntimeException e) {
            plugins.close();
            throw e;
        }
        Optional<EmbeddedNats> embedded = EmbeddedNats.startIfWanted(settings);
        PrometheusMeterRegistry meters = Metrics.prometheus();
        IngressRoutes routes = new IngressRoutes();
        Pipelines pipelines = new Pipelines(new PipelineEnvironment(plugins, settings, meters, routes, new AdminActions()));
        RuntimeNats nats = new RuntimeNats(settings.nats());
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jetconnect-timers");
            t.setDaemon(true);
            return t;
        });
        LiveFeed feed = new LiveFeed(nats, ref -> streamByKeyOrName(settings, ref), settings.liveFeed(), timers);
        HttpListener http;
        try {
            http = new HttpListener(settings.httpHost(), settings.httpPort(), routes, meters,
                    () -> readiness(pipelines), feed);
        } catch (IOException e) {
            timers.shutdownNow();
            embedded.ifPresent(EmbeddedNats::close);
            plugins.close();
            throw new IOException("cannot listen on " + settings.httpHost() + ":" + settings.httpPort() + ": "
                    + e.getMessage(), e);
        }
        for (ResolvedPipeline pipeline : resolved) {
            pipelines.start(pipeline);
        }
        http.start();
        LOG.info("listening on http://{}:{} (ingest: POST /v1/pipelines/{{name}}/events, /metrics, /healthz, "
                + "/readyz); NATS at {}", settings.httpHost(), http.address().getPort(),
                settings.nats().redactedUrl());
        return new JetconnectRuntime(plugins, embedded, meters, http, pipelines, nats, timers);
    }

    private static StreamSpec streamByKeyOrName(RuntimeSettings settings, String ref) {
        StreamSpec byKey = settings.streams().get(ref);
        if (byKey != null) {
            return byKey;
        }
        return settings.streams().values().stream().filter(s -> s.name().equals(ref)).findFirst()
                .orElse(StreamSpec.undeclared(ref));
    }

    private static HttpListener.Readiness readiness(Pipelines pipelines) {
        StringBuilder json = new StringBuilder("{\"pipelines\":{");
        boolean first = true;
        for (Pipeline p : pipelines.all()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('"').append(p.name()).append("\":\"").append(p.state().name().toLowerCase()).append('"');
        }
        json.append("}}");
        return new HttpListener.Readiness(pipelines.allRunning(), json.toString());
    }

    /** @return the listener's port */
    public int httpPort() {
        return http.address().getPort();
    }

    public Pipelines pipelines() {
        return pipelines;
    }

    @Override
    public void close() {
        LOG.info("stopping: sources stop taking events, in-flight events complete, sinks close");
        pipelines.stopAll();
        http.close();
        nats.close();
        timers.shutdownNow();
        plugins.close();
        embedded.ifPresent(EmbeddedNats::close);
        meters.close();
        LOG.info("stopped");
    }
}
