package io.jetconnect.runtime.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.jetconnect.runtime.nats.RuntimeNats;
import io.jetconnect.spi.Backoff;
import io.nats.client.KeyValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a fleet (docs/scale-out.md, "Fleet mode"): reaches the fleet bucket over the runtime's own NATS
 * connection (trying again, with the pipeline-start waits, while the broker is away), follows it
 * ({@link BucketWatch}) and has the runtime apply its definitions as a reload does, and writes this worker's status
 * every heartbeat ({@link WorkerStatus}). On a graceful stop it removes its status; a worker that dies leaves it, and
 * the fleet view shows it dead once it is older than {@code worker-timeout}, until some live worker removes it once it
 * is older than {@code worker-expiry}. It holds the leases of its run-once
 * pipelines ({@link Leases}) and acts on the fleet's pause, resume and restart ({@link FleetControl}).
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final ClusterSettings settings;
    private final String id;
    private final RuntimeNats nats;
    // Its own thread: a heartbeat blocked on an unreachable broker must not hold up the runtime's other timers.
    private final ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
                Thread t = new Thread(r, "jetconnect-fleet");
                t.setDaemon(true);
                return t;
            });
    private final Backoff retry;
    private final Instant startedAt = Instant.now();
    private volatile BucketWatch watch;
    private volatile KeyValue kv;
    private volatile boolean applied;
    private volatile boolean closed;
    private volatile List<String> problems = List.of();
    private boolean beatFailing;
    /** Whether the last status write reached the bucket. */
    private volatile boolean beating;
    /** The revision of this worker's last status write; on the fleet thread. */
    private long lastBeatRevision;
    private Runnable applyBucket;
    private Runnable applyControls;
    private final Leases leases;
    private final ControlApplier control = new ControlApplier();

    /**
     * @param settings the fleet's settings
     * @param id this worker's id ({@link WorkerId})
     * @param nats the runtime's NATS connection
     * @param retry the waits between attempts to reach the bucket
     */
    public Fleet(ClusterSettings settings, String id, RuntimeNats nats, Backoff retry) {
        this.settings = settings;
        this.id = id;
        this.nats = nats;
        this.retry = retry;
        this.leases = new Leases(id, settings.leaseTtl(), new KvLeaseStore(() -> kv));
    }

    /** @return where this worker's run-once pipelines get their leases */
    public io.jetconnect.runtime.pipeline.SourceLeases leases() {
        return leases;
    }

    /**
     * Starts following the bucket.
     *
     * @param apply applies the bucket's definitions ({@link #definitions()}) as a reload does; returns the problems
     *     that made it refuse them, empty when it applied them
     * @param pipelines this worker's pipelines now, for its status
     * @param adminUrl where this worker's admin API answers
     * @param managed this worker's pipelines, for the fleet's pause, resume and restart
     */
    public void start(Supplier<List<String>> apply, Supplier<List<WorkerStatus.PipelineStatus>> pipelines,
                      String adminUrl, io.jetconnect.runtime.pipeline.ManagedPipelines managed) {
        String url = settings.adminUrl().orElse(adminUrl);
        LOG.info("fleet {}: worker {} ({}), pipelines from bucket {}", settings.name(), id, url, settings.bucket());
        applyBucket = () -> {
            List<String> refused = apply.get();
            problems = refused;
            // Ready once a push has been applied: a refused one (a plugin missing here) leaves it not ready.
            if (refused.isEmpty()) {
                applied = true;
            }
            control.apply(watch.controls(), managed);
        };
        applyControls = () -> control.apply(watch.controls(), managed);
        watch = new BucketWatch(id, applyBucket, applyControls, control::baseline);
        timers.execute(() -> connect(0, pipelines, url));
    }

    private void connect(int attempt, Supplier<List<WorkerStatus.PipelineStatus>> pipelines, String url) {
        if (closed) {
            return;
        }
        try {
            io.nats.client.Connection connection = nats.connection();
            KeyValue bucket = FleetBucket.open(connection, settings);
            watch.start(connection, settings.bucket());
            kv = bucket;
            timers.scheduleAtFixedRate(() -> heartbeat(pipelines, url), 0, settings.heartbeat().toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            if (attempt == 0) {
                LOG.warn("fleet {}: bucket {} not reachable, trying again: {}", settings.name(), settings.bucket(),
                        e.getMessage());
            }
            timers.schedule(() -> connect(Math.max(attempt, attempt + 1), pipelines, url), retry.delayNanos(attempt),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void heartbeat(Supplier<List<WorkerStatus.PipelineStatus>> pipelines, String url) {
        // A failure must not escape: it would cancel every later beat of scheduleAtFixedRate.
        try {
            List<String> shown = new java.util.ArrayList<>(problems);
            watch.inconsistency().ifPresent(shown::add);
            WorkerStatus status = new WorkerStatus(id, settings.name(), url, startedAt, Instant.now(),
                    pipelines.get(), shown);
            long revision = kv.put(BucketWatch.WORKERS + id, status.toJson().getBytes(StandardCharsets.UTF_8));
            if (revision < lastBeatRevision) {
                // Revisions only grow within a bucket: this one was deleted and created again, and the watch,
                // which resumes after the last revision it saw, would miss every write to the new one.
                LOG.warn("fleet {}: bucket {} was created again; following it from its start", settings.name(),
                        settings.bucket());
                rewatch();
            }
            lastBeatRevision = revision;
            beating = true;
            // A pause holds on instances started since (a retried start, a lease taken over).
            watch.requestControl();
            forgetExpired();
            if (beatFailing) {
                LOG.info("fleet {}: heartbeats written again", settings.name());
                beatFailing = false;
            }
        } catch (Exception e) {
            beating = false;
            if (!beatFailing) {
                LOG.warn("fleet {}: heartbeat not written (other workers will show this one dead after {}): {}",
                        settings.name(), settings.workerTimeout(), e.getMessage());
                beatFailing = true;
            }
        }
    }

    /**
     * Removes the status of every worker dead for longer than {@code worker-expiry}, each only over the revision
     * this worker saw: a worker that beat again meanwhile keeps its status. Every live worker does it; the first
     * wins and the others' removals are refused the same way. The delete markers stay: purging markers purges
     * every one of the bucket's, and a watch away longer than the threshold would miss a removed definition.
     */
    private void forgetExpired() {
        BucketWatch w = watch;
        Instant now = w.serverNow().orElse(null);
        if (now == null) {
            return;
        }
        FleetView.expired(w.workers(), id, now, settings.workerExpiry(), System.nanoTime()).forEach((worker, seen) -> {
            if (FleetBucket.deleteAt(kv, BucketWatch.WORKERS + worker, seen.revision())) {
                long spill = FleetView.spillDepth(seen.json());
                LOG.info("fleet {}: forgot worker {}, silent since {} (worker-expiry {}){}", settings.name(), worker,
                        seen.writtenAt(), settings.workerExpiry(), spill == 0 ? ""
                                : "; its last status showed " + spill + " events in its spill, on its own disk");
            }
        });
    }

    /** Follows the bucket again from its start with a new watch; the pipelines run on until it commits. */
    private void rewatch() throws Exception {
        BucketWatch old = watch;
        BucketWatch fresh = new BucketWatch(id, applyBucket, applyControls, control::baseline);
        fresh.start(nats.connection(), settings.bucket());
        watch = fresh;
        old.close();
    }

    /** @return the bucket's pipelines and streams as the {@code jetconnect} blocks a worker loads */
    public Optional<Config> definitions() {
        BucketWatch w = watch;
        return Optional.of(FleetDefinitions.config(settings.bucket(),
                w == null ? java.util.Map.of() : w.definitions()));
    }

    /** @return whether the bucket's definitions, as they were when this worker reached it, have been applied */
    public boolean synced() {
        return applied;
    }

    /** @return this worker's id */
    public String id() {
        return id;
    }

    /** @return the fleet view ({@code GET /v1/cluster}) */
    public ObjectNode view() {
        BucketWatch w = watch;
        java.util.Map<String, FleetView.Seen> workers = w == null ? java.util.Map.of() : w.workers();
        List<String> names = w == null ? List.of() : w.definitions().keySet().stream()
                .filter(k -> k.startsWith(FleetDefinitions.PIPELINES))
                .map(k -> k.substring(FleetDefinitions.PIPELINES.length())).toList();
        // Before the watch delivered anything there is nothing to judge: the local clock stands in for nothing.
        Instant now = w == null ? Instant.now() : w.serverNow().orElseGet(Instant::now);
        ObjectNode view = FleetView.of(settings, id, workers, names, now);
        view.put("connected", beating);
        if (w != null) {
            FleetView.leasesAndControls(view, settings, w.leases(), w.controls(), now);
        }
        return view;
    }

    /**
     * Asks every worker to pause, resume or restart a pipeline ({@code POST /v1/cluster/pipelines/{name}/{verb}}).
     *
     * @param pipeline the pipeline's name
     * @param verb {@code pause}, {@code resume} or {@code restart}
     * @return the control written
     * @throws IllegalArgumentException for a pipeline the bucket does not define, or another verb
     * @throws io.jetconnect.spi.RetriableException when the bucket cannot be written now
     */
    public ObjectNode control(String pipeline, String verb) {
        KeyValue bucket = kv;
        if (bucket == null) {
            throw new io.jetconnect.spi.RetriableException("fleet bucket " + settings.bucket() + " not reached yet");
        }
        BucketWatch w = watch;
        if (w == null || !w.definitions().containsKey(FleetDefinitions.PIPELINES + pipeline)) {
            throw new IllegalArgumentException("the fleet has no pipeline '" + pipeline + "'");
        }
        FleetBucket.Written written = FleetBucket.change(bucket, FleetControl.CONTROL + pipeline,
                before -> before.map(FleetControl::parse).orElse(FleetControl.NONE).after(verb, Instant.now())
                        .toJson().toString());
        ObjectNode body = (ObjectNode) FleetControl.parse(written.value()).toJson();
        body.put("pipeline", pipeline).put("action", verb).put("revision", written.revision());
        return body;
    }

    /** Stops renewing leases; after the pipelines stopped, which gave theirs up. */
    public void closeLeases() {
        leases.close();
    }

    /**
     * @param tls whether the admin API is served over TLS
     * @param host the address it binds
     * @param port its port
     * @return its URL as others can use it: the host name stands in for a wildcard address
     */
    public static String adminUrl(boolean tls, String host, int port) {
        String shown = host;
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                shown = InetAddress.getLocalHost().getHostName();
            }
        } catch (UnknownHostException e) {
            // Keep the configured host: it is what the operator wrote.
        }
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]";
        }
        return (tls ? "https" : "http") + "://" + shown + ":" + port;
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        try {
            // A beat still running would write the status back after it is removed.
            timers.awaitTermination(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BucketWatch w = watch;
        if (w != null) {
            w.close();
        }
        KeyValue bucket = kv;
        if (bucket != null) {
            try {
                bucket.delete(BucketWatch.WORKERS + id);
            } catch (Exception e) {
                LOG.debug("fleet: removing this worker's status: {}", e.toString());
            }
        }
    }
}
