package io.jetconnect.bench;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.metrics.Metrics;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.runtime.pipeline.PipelineEnvironment;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.spi.EventSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the cases share: the options, the events, the server and a management connection to it, the loaded
 * plugins, a meter registry like the runtime's, and the working directory with the generated configuration.
 */
final class BenchEnv implements AutoCloseable {

    final BenchOptions options;
    final BenchEvents events;
    final BenchServer server;
    final Connection admin;
    final PluginRegistry plugins;
    final PrometheusMeterRegistry meters = Metrics.prometheus();
    final AdminActions actions = new AdminActions();
    final Path workDir;
    final Path pluginsDir;
    final BenchConfig config;
    final Path hmacKey;
    final Path ed25519Key;

    BenchEnv(BenchOptions options, BenchServer server, PluginRegistry plugins, Path workDir, Path pluginsDir)
            throws IOException, InterruptedException {
        this.options = options;
        this.events = new BenchEvents(options.size());
        this.server = server;
        this.plugins = plugins;
        this.workDir = workDir;
        this.pluginsDir = pluginsDir;
        this.config = new BenchConfig(workDir, pluginsDir);
        this.hmacKey = BenchFiles.hmacKey(workDir);
        this.ed25519Key = BenchFiles.ed25519Key(workDir);
        this.admin = RawClient.connect(server.url(), 1024);
    }

    /** @return events in flight at once across the producers */
    int inFlight() {
        return options.concurrency() * options.window();
    }

    /** @return a {@code max-in-flight} for the jetstream sink above anything the bench keeps in flight */
    int sinkMaxInFlight() {
        return Math.max(4096, Math.max(inFlight(), options.httpConnections() * options.httpBatch()) + 1024);
    }

    /** @return what a detached chain or source of a case gets: the loaded plugins, these settings, the meters */
    PipelineEnvironment pipelines(RuntimeSettings settings) {
        return new PipelineEnvironment(plugins, settings, meters, new IngressRoutes(), actions);
    }

    /**
     * Drives {@code --count} events into a target with the bench's producers and window.
     *
     * @param rate the total rate in events per second, or 0 for as fast as it goes
     * @param pid the process whose CPU counts besides this one's (the server), or -1
     */
    RunSample drive(LoadDriver.Target target, double rate, long pid) throws InterruptedException {
        int count = options.count();
        ProcessProbe.Mark mark = ProcessProbe.mark(pid);
        LoadDriver.Outcome outcome = LoadDriver.drive(target, count, options.concurrency(), options.window(), rate,
                LoadDriver.timeoutFor(count, rate));
        return RunSample.of(outcome, ProcessProbe.since(mark, pid));
    }

    /** @return a target that emits the event of each number, its id under {@code idPrefix}, into a chain's head */
    LoadDriver.Target emitter(EventSink head, String idPrefix) {
        return i -> head.emit(events.event(BenchEvents.id(idPrefix, i)));
    }

    /** @return the server's pid for CPU accounting, or -1 */
    long serverPid() {
        return server.pid();
    }

    @Override
    public void close() {
        try {
            admin.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meters.close();
    }
}
