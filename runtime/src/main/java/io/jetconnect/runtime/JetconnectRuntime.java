package io.jetconnect.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jetconnect.runtime.cluster.ClusterSettings;
import io.jetconnect.runtime.cluster.Fleet;
import io.jetconnect.runtime.cluster.WorkerId;
import io.jetconnect.runtime.cluster.WorkerStatus;
import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.http.AdminApi;
import io.jetconnect.runtime.http.AdminGuard;
import io.jetconnect.runtime.http.HttpListener;
import io.jetconnect.runtime.http.HttpSettings;
import io.jetconnect.runtime.http.LiveFeed;
import io.jetconnect.runtime.metrics.Metrics;
import io.jetconnect.runtime.nats.EmbeddedNats;
import io.jetconnect.runtime.nats.RuntimeNats;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.IngressRoutes;
import io.jetconnect.runtime.pipeline.Pipeline;
import io.jetconnect.runtime.pipeline.PipelineEnvironment;
import io.jetconnect.runtime.pipeline.PipelineResolver;
import io.jetconnect.runtime.pipeline.Pipelines;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.StreamSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} verb's process: loads the plugins, starts the embedded NATS server if wanted, the HTTP
 * listener and every pipeline; {@link #reload()} applies a changed {@code pipeline.conf}; {@link #close()} stops
 * everything in reverse order. Configuration errors are thrown before anything starts.
 */
public final class JetconnectRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetconnectRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadedConfig initial;
    private final DataDirLock lock;
    private final PluginRegistry plugins;
    private final Optional<EmbeddedNats> embedded;
    private final PrometheusMeterRegistry meters;
    private final HttpListener http;
    private final Pipelines pipelines;
    private final RuntimeNats nats;
    private final ScheduledExecutorService timers;
    private final IngressRoutes routes;
    private final AdminActions actions;
    private final io.jetconnect.runtime.pipeline.ElementStatuses statuses;
    private final io.jetconnect.runtime.metrics.RuntimeMeters runtimeMeters;
    private final Optional<Fleet> fleet;

    private JetconnectRuntime(LoadedConfig initial, DataDirLock lock, PluginRegistry plugins,
                              Optional<EmbeddedNats> embedded,
                              PrometheusMeterRegistry meters, HttpListener http, Pipelines pipelines,
                              RuntimeNats nats, ScheduledExecutorService timers, IngressRoutes routes,
                              AdminActions actions, io.jetconnect.runtime.pipeline.ElementStatuses statuses,
                              Optional<Fleet> fleet) {
        this.initial = initial;
        this.fleet = fleet;
        this.lock = lock;
        this.plugins = plugins;
        this.embedded = embedded;
        this.meters = meters;
        this.http = http;
        this.pipelines = pipelines;
        this.nats = nats;
        this.timers = timers;
        this.routes = routes;
        this.actions = actions;
        this.statuses = statuses;
        this.runtimeMeters = new io.jetconnect.runtime.metrics.RuntimeMeters(meters);
    }

    /**
     * Starts everything.
     *
     * @throws ConfigProblems if a pipeline does not resolve against the plugins
     * @throws ConfigurationException if the listener is not on loopback and no admin token is configured
     * @throws IOException if the HTTP listener cannot bind
     * @throws DataDirLock.InUse if another process holds {@code data-dir}
     */
    public static JetconnectRuntime start(LoadedConfig config) throws IOException {
        RuntimeSettings settings = config.settings();
        HttpSettings httpSettings = HttpSettings.read(config.root().getConfig("jetconnect"));
        Optional<String> token = adminToken(settings, httpSettings);
        Optional<ClusterSettings> cluster = ClusterSettings.read(config.root().getConfig("jetconnect"));
        // Before anything reads or writes data-dir: spill segments and cursors have one owner.
        DataDirLock lock = DataDirLock.acquire(settings.dataDir());
        PluginRegistry plugins;
        List<ResolvedPipeline> resolved;
        Optional<String> workerId;
        try {
            workerId = cluster.map(c -> WorkerId.of(c, settings.dataDir()));
            plugins = PluginRegistry.load(settings.pluginsDir());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            // A fleet worker's pipelines come from the bucket, once it is reached: none start from the file.
            PipelineResolver.Resolution resolution = new PipelineResolver(plugins).resolveWithWarnings(
                    cluster.isPresent() ? new LoadedConfig(config.file(), config.root(), settings, List.of()) : config);
            resolved = resolution.pipelines();
            if (cluster.isPresent() && !config.pipelines().isEmpty()) {
                LOG.info("fleet {}: the {} pipelines of {} are not run here: pipelines come from bucket {} "
                        + "(jetconnect config push publishes them)", cluster.get().name(), config.pipelines().size(),
                        config.file(), cluster.get().bucket());
            }
            resolution.warnings().forEach(w -> LOG.warn("{}", w));
            resolution.acknowledged().forEach(w -> LOG.info("{}", w));
        } catch (RuntimeException e) {
            plugins.close();
            lock.close();
            throw e;
        }
        Optional<EmbeddedNats> embedded = EmbeddedNats.startIfWanted(settings);
        PrometheusMeterRegistry meters = Metrics.prometheus();
        Gauge.builder("jetconnect_nats_embedded", () -> embedded.isPresent() ? 1 : 0)
                .description("1 while this runtime runs its own child nats-server (nats.embedded), else 0")
                .register(meters);
        IngressRoutes routes = new IngressRoutes();
        AdminActions actions = new AdminActions();
        io.jetconnect.runtime.pipeline.ElementStatuses statuses = new io.jetconnect.runtime.pipeline.ElementStatuses();
        Pipelines pipelines = new Pipelines(new PipelineEnvironment(plugins, settings, meters, routes, actions,
                statuses));
        RuntimeNats nats = new RuntimeNats(settings.nats());
        Optional<Fleet> fleet = cluster.map(c -> new Fleet(c, workerId.orElseThrow(), nats,
                settings.pipelineStartRetry()));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jetconnect-timers");
            t.setDaemon(true);
            return t;
        });
        LiveFeed feed = new LiveFeed(nats, ref -> streamByKeyOrName(settings, ref), settings.liveFeed(), timers);
        HttpListener http;
        try {
            http = new HttpListener(settings.httpHost(), settings.httpPort(), httpSettings, routes, meters,
                    () -> readiness(pipelines, embedded, fleet), feed);
        } catch (IOException e) {
            fleet.ifPresent(Fleet::close);
            timers.shutdownNow();
            embedded.ifPresent(EmbeddedNats::close);
            plugins.close();
            lock.close();
            if (e instanceof java.net.BindException) {
                // The operator's fix is one key: name it, and where it is set, rather than the socket's words.
                throw new ConfigurationException(io.jetconnect.runtime.config.ConfigErrors.where(
                        config.root().getValue("jetconnect.http.port").origin()) + ": cannot listen on "
                        + settings.httpHost() + ":" + settings.httpPort() + " (" + e.getMessage() + "): another "
                        + "process holds it; set jetconnect.http.port to a free port", e);
            }
            throw new IOException("cannot listen on " + settings.httpHost() + ":" + settings.httpPort() + ": "
                    + e.getMessage(), e);
        }
        JetconnectRuntime runtime = new JetconnectRuntime(config, lock, plugins, embedded, meters, http, pipelines,
                nats, timers, routes, actions, statuses, fleet);
        http.requestTimeout(timers, settings.requestTimeout());
        // A fleet worker that has not applied the bucket yet cannot tell an unknown pipeline from one it is about
        // to start: "later" (503), as for one that is starting, so that a producer tries another worker, not 404.
        http.pipelineStates(name -> pipelines.get(name)
                .map(p -> p.state().name().toLowerCase(java.util.Locale.ROOT))
                .or(() -> fleet.filter(f -> !f.synced()).map(f -> "not applied on this fleet worker yet")));
        http.guard(new AdminGuard(settings.allowedHosts(), settings.httpHost()));
        http.bodyLimits(bodyLimits(resolved));
        AdminApi admin = new AdminApi(pipelines, () -> plugins, statuses, actions, runtime::reloadReply, token,
                () -> fleet.map(Fleet::view));
        http.admin(admin);
        fleet.ifPresent(f -> {
            pipelines.useLeases(f.leases());
            admin.clusterControl(f::control);
        });
        for (ResolvedPipeline pipeline : resolved) {
            pipelines.start(pipeline);
        }
        http.start();
        String scheme = httpSettings.tls().isPresent() ? "https" : "http";
        fleet.ifPresent(f -> f.start(runtime::applyFleet, () -> statuses(pipelines, admin),
                Fleet.adminUrl(httpSettings.tls().isPresent(),
                        httpSettings.admin().map(HttpSettings.Address::host).orElse(settings.httpHost()),
                        http.adminPort().orElse(http.address().getPort())), pipelines));
        if (httpSettings.admin().isPresent()) {
            LOG.info("listening on {}://{}:{} (ingest: POST /v1/pipelines/{name}/events, /healthz, /readyz) and "
                    + "{}://{}:{} (admin: /v1/..., /metrics, /healthz, /readyz, live feed); NATS at {}{}", scheme,
                    settings.httpHost(), http.address().getPort(), scheme, httpSettings.admin().get().host(),
                    http.adminPort().orElse(-1), settings.nats().redactedUrl(),
                    token.isPresent() ? "; admin calls need the bearer token" : "");
        } else {
            LOG.info("listening on {}://{}:{} (ingest: POST /v1/pipelines/{name}/events, admin: /v1/..., /metrics, "
                    + "/healthz, /readyz); NATS at {}{}", scheme, settings.httpHost(), http.address().getPort(),
                    settings.nats().redactedUrl(), token.isPresent() ? "; admin calls need the bearer token" : "");
        }
        return runtime;
    }

    /** Each pipeline's max-request-bytes, which the listener looks up on its event loop, not under a lock. */
    private static java.util.Map<String, Long> bodyLimits(List<ResolvedPipeline> definitions) {
        java.util.Map<String, Long> limits = new java.util.HashMap<>();
        for (ResolvedPipeline p : definitions) {
            if (p.source().config().hasPath("max-request-bytes")) {
                limits.put(p.name(), p.source().config().getBytes("max-request-bytes"));
            }
        }
        return limits;
    }

    private static Optional<String> adminToken(RuntimeSettings settings, HttpSettings http) throws IOException {
        if (settings.adminTokenFile().isPresent()) {
            String token;
            try {
                token = Files.readString(settings.adminTokenFile().get(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ConfigurationException("jetconnect.http.admin-token-file: cannot read "
                        + settings.adminTokenFile().get() + " (" + e.getClass().getSimpleName() + ")", e);
            }
            if (token.isEmpty()) {
                throw new ConfigurationException("jetconnect.http.admin-token-file: "
                        + settings.adminTokenFile().get() + " is empty");
            }
            return Optional.of(token);
        }
        // The admin API is where jetconnect.admin puts it, else on the one listener.
        String adminHost = http.admin().map(HttpSettings.Address::host).orElse(settings.httpHost());
        String key = http.admin().isPresent() ? "jetconnect.admin.host" : "jetconnect.http.host";
        if (!InetAddress.getByName(adminHost).isLoopbackAddress()) {
            throw new ConfigurationException(key + " is " + adminHost + ", not a loopback "
                    + "address: set jetconnect.http.admin-token-file so that admin calls need a token");
        }
        return Optional.empty();
    }

    private static StreamSpec streamByKeyOrName(RuntimeSettings settings, String ref) {
        StreamSpec byKey = settings.streams().get(ref);
        if (byKey != null) {
            return byKey;
        }
        return settings.streams().values().stream().filter(s -> s.name().equals(ref)).findFirst()
                .orElse(StreamSpec.undeclared(ref));
    }

    /** This worker's pipelines as its fleet status shows them: state and spill. */
    private static List<WorkerStatus.PipelineStatus> statuses(Pipelines pipelines, AdminApi admin) {
        return pipelines.snapshot().stream().map(p -> {
            com.fasterxml.jackson.databind.JsonNode spill = admin.spill(p.name());
            return new WorkerStatus.PipelineStatus(p.name(), p.state().name().toLowerCase(java.util.Locale.ROOT),
                    p.lastError(), spill.path("depth").asLong(), spill.path("bytes").asLong());
        }).toList();
    }

    private static HttpListener.Readiness readiness(Pipelines pipelines, Optional<EmbeddedNats> embedded,
                                                    Optional<Fleet> fleet) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode states = body.putObject("pipelines");
        ObjectNode waiting = JSON.createObjectNode();
        for (Pipeline p : pipelines.all()) {
            states.put(p.name(), p.state().name().toLowerCase(java.util.Locale.ROOT));
            p.waitingFor().ifPresent(why -> waiting.put(p.name(), why));
        }
        ObjectNode nats = body.putObject("nats");
        nats.put("embedded", embedded.isPresent());
        embedded.ifPresent(e -> nats.put("url", e.url()).put("pid", e.pid()).put("warning",
                "events are stored in a private nats-server started by this runtime, not in a site broker"));
        if (!waiting.isEmpty()) {
            body.set("waiting", waiting);
        }
        // A worker that has not yet applied the fleet's pipelines would be ready with none of them.
        boolean synced = fleet.map(Fleet::synced).orElse(true);
        fleet.ifPresent(f -> body.putObject("fleet").put("worker", f.id()).put("synced", synced));
        return new HttpListener.Readiness(synced && pipelines.allTakeEvents(), body.toString());
    }

    /**
     * Re-reads {@code pipeline.conf} and loads plugins added since: unchanged pipelines keep running untouched,
     * changed ones restart gracefully, removed ones stop, new ones start. An invalid file, or one that moves
     * {@code data-dir}, is rejected with its problems and the running pipelines are left as they are.
     *
     * @return what happened
     * @throws ConfigProblems if the new file is invalid
     */
    public synchronized Pipelines.ReloadResult reload() {
        LoadedConfig config = new PipelineConfigLoader().load(initial.file(),
                fleet.flatMap(Fleet::definitions));
        RuntimeSettings now = config.settings();
        if (!ClusterSettings.read(config.root().getConfig("jetconnect"))
                .equals(ClusterSettings.read(initial.root().getConfig("jetconnect")))) {
            LOG.warn("reload: changes to jetconnect.cluster take effect on restart only");
        }
        RuntimeSettings before = initial.settings();
        if (!now.dataDir().equals(before.dataDir())) {
            // The spill logs and cursors of the running pipelines are in the old one (locked by this process): a
            // pipeline restarted on the new one would leave acknowledged events behind, never delivered.
            throw new ConfigProblems(List.of(io.jetconnect.runtime.config.ConfigErrors.where(
                    config.root().getValue("jetconnect.data-dir").origin()) + ": Invalid value at "
                    + "'jetconnect.data-dir': changed from " + before.dataDir() + " to " + now.dataDir()
                    + "; a reload cannot move data-dir (spilled events and cursors stay in the old one): restart "
                    + "the runtime to use the new one"));
        }
        if (!now.httpHost().equals(before.httpHost()) || now.httpPort() != before.httpPort()
                || !now.pluginsDir().equals(before.pluginsDir())) {
            LOG.warn("reload: changes to jetconnect.http host/port and plugins-dir take effect on restart only");
        }
        List<String> loaded = plugins.loadNew();
        if (!loaded.isEmpty()) {
            LOG.info("reload: loaded new plugins {}", loaded);
        }
        PipelineResolver.Resolution resolution = new PipelineResolver(plugins).resolveWithWarnings(config);
        resolution.warnings().forEach(w -> LOG.warn("{}", w));
        resolution.acknowledged().forEach(w -> LOG.info("{}", w));
        RuntimeSettings effective = new RuntimeSettings(before.pluginsDir(), before.dataDir(), now.strict(),
                now.shutdownTimeout(), before.httpHost(), before.httpPort(), now.nats(), now.embedded(),
                now.natsUrlFromEnvironment(), now.streams(), now.liveFeed(), now.adminTokenFile(), now.requestTimeout(),
                now.natsUrlSetAt(), now.allowedHosts(), now.pipelineStartRetry());
        http.guard(new AdminGuard(now.allowedHosts(), before.httpHost()));
        http.bodyLimits(bodyLimits(resolution.pipelines()));
        Pipelines.ReloadResult result = pipelines.reload(resolution.pipelines(),
                new PipelineEnvironment(plugins, effective, meters, routes, actions, statuses));
        LOG.info("reload: started {}, restarted {}, stopped {}, unchanged {}", result.started(), result.restarted(),
                result.stopped(), result.unchanged());
        return result;
    }

    /** {@link #reload()} for the admin API and SIGHUP: never throws, answers 200 or 400 with the problems. */
    public AdminApi.Reply reloadReply() {
        reloadTls();
        try {
            Pipelines.ReloadResult r = reload();
            runtimeMeters.reloaded();
            ObjectNode body = JSON.createObjectNode();
            body.set("started", JSON.valueToTree(r.started()));
            body.set("restarted", JSON.valueToTree(r.restarted()));
            body.set("stopped", JSON.valueToTree(r.stopped()));
            body.set("unchanged", JSON.valueToTree(r.unchanged()));
            return new AdminApi.Reply(200, body.toString());
        } catch (ConfigProblems e) {
            runtimeMeters.reloadFailed();
            e.problems().forEach(p -> LOG.error("reload rejected: {}", p));
            ObjectNode body = JSON.createObjectNode();
            body.put("error", "invalid configuration; the running pipelines are unchanged");
            body.set("problems", JSON.valueToTree(e.problems()));
            return new AdminApi.Reply(400, body.toString());
        } catch (RuntimeException e) {
            runtimeMeters.reloadFailed();
            LOG.error("reload failed: {}", e.getMessage(), e);
            ObjectNode body = JSON.createObjectNode();
            body.put("error", "reload failed: " + e.getMessage());
            return new AdminApi.Reply(500, body.toString());
        }
    }

    /**
     * Applies the fleet bucket's definitions as a reload does ({@link #reload()}, with the local file's runtime
     * settings); an invalid set is refused and the running pipelines stay as they are.
     *
     * @return the problems that made it refuse them; empty when applied
     */
    private List<String> applyFleet() {
        try {
            reload();
            runtimeMeters.reloaded();
            return List.of();
        } catch (ConfigProblems e) {
            runtimeMeters.reloadFailed();
            e.problems().forEach(p -> LOG.error("fleet: the bucket's pipelines were refused: {}", p));
            return e.problems();
        } catch (RuntimeException e) {
            runtimeMeters.reloadFailed();
            LOG.error("fleet: applying the bucket's pipelines failed: {}", e.getMessage(), e);
            return List.of(String.valueOf(e.getMessage()));
        }
    }

    /** Re-reads the listener's certificates; a failure is logged and the ones in use stay. */
    private void reloadTls() {
        try {
            http.reloadTls().ifPresent(what -> LOG.info("reload: TLS {}", what));
        } catch (IOException e) {
            LOG.error("reload: TLS files not reloaded, the listener keeps its certificates: {}", e.getMessage());
        }
    }

    /** @return the admin listener's port, if {@code jetconnect.admin} set one */
    public Optional<Integer> adminPort() {
        return http.adminPort();
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
        http.drain();
        // First: no bucket change may restart a pipeline while they stop.
        fleet.ifPresent(Fleet::close);
        pipelines.stopAll();
        // After the pipelines: each gave its lease up once its cursor was stored.
        fleet.ifPresent(Fleet::closeLeases);
        http.close();
        nats.close();
        timers.shutdownNow();
        plugins.close();
        embedded.ifPresent(EmbeddedNats::close);
        meters.close();
        lock.close();
        LOG.info("stopped");
    }
}
