package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One running pipeline: builds its chain innermost first (the terminal sink, then each decorator around it),
 * starts its source, and stops in the reverse order: the source stops taking events, the events in flight
 * complete (bounded by {@code jetconnect.shutdown-timeout}), then every layer closes, outermost first.
 *
 * <p>{@link #start()} and {@link #stop()} are called by one thread at a time; {@link #state()} from any.
 */
public final class Pipeline implements ManagedPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final ResolvedPipeline definition;
    private final PipelineEnvironment env;
    private final MicrometerPluginMetrics metrics;
    private volatile Chain chain;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile PipelineState state = PipelineState.STOPPED;
    private volatile String lastError;
    private volatile boolean startRetriable;
    private volatile InFlightGate gate;
    private EventSource source;
    private PipelineSourceContext sourceContext;
    private CursorStore cursors;
    private final SinkStatus sinkStatus;
    private final io.micrometer.core.instrument.Counter startFailures;
    private final SourceLeases leases;
    /** Its lease while it is started, when it runs once in a fleet; null otherwise. */
    private volatile SourceLeases.SourceLease lease;
    /** The token of the hold its running source started under (0 without a lease): any other means start again. */
    private long startedToken;
    /** Counts its source's starts: a reclaim asked by an earlier source than the running one is not its own. */
    private long sourceGeneration;
    private final Reclaims reclaims = new Reclaims();

    public Pipeline(ResolvedPipeline definition, PipelineEnvironment env) {
        this(definition, env, SourceLeases.NONE);
    }

    /** @param leases where it gets its lease if its source runs once ({@link SourceLeases}) */
    public Pipeline(ResolvedPipeline definition, PipelineEnvironment env, SourceLeases leases) {
        this.leases = leases;
        this.definition = definition;
        this.env = env;
        this.metrics = new MicrometerPluginMetrics(env.meters(), definition.name());
        this.sinkStatus = new SinkStatus(definition.name(), env.actions(), this::sinkFailed);
        this.startFailures = io.jetconnect.runtime.metrics.RuntimeMeters.startFailures(env.meters(), definition.name());
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public String sourceType() {
        return definition.source().type().name();
    }

    @Override
    public List<String> chain() {
        return definition.sinks().stream().map(e -> e.type().name()).toList();
    }

    @Override
    public ChainCounts counts() {
        InFlightGate g = gate;
        Chain c = chain;
        if (g == null || c == null) {
            return ChainCounts.NONE;
        }
        CountingSink.Counts terminal = c.terminalCounts();
        return new ChainCounts(g.handled(), terminal.taken(), terminal.retriable(), terminal.permanent());
    }

    public ResolvedPipeline definition() {
        return definition;
    }

    /** @return its state; {@link PipelineState#WAITING} while it runs and its sink waits for its broker */
    @Override
    public PipelineState state() {
        PipelineState s = state;
        return s == PipelineState.RUNNING && sinkStatus.waitingFor().isPresent() ? PipelineState.WAITING : s;
    }

    /** @return what the pipeline waits for, while it is {@link PipelineState#WAITING} */
    @Override
    public Optional<String> waitingFor() {
        PipelineState s = state();
        if (s != PipelineState.WAITING) {
            return Optional.empty();
        }
        Optional<String> sink = sinkStatus.waitingFor();
        return sink.isPresent() ? sink : Optional.ofNullable(lastError);
    }

    /**
     * @return whether ingest events are taken now: it runs and its sink takes them, or its sink waits and a
     *     {@code dlq} in front of it spills them; or it is on standby, its source running on another worker
     */
    public boolean takesEvents() {
        PipelineState s = state();
        return s == PipelineState.RUNNING || s == PipelineState.STANDBY
                || s == PipelineState.WAITING && state == PipelineState.RUNNING && spills();
    }

    /**
     * @return whether its chain takes events while its sink waits: a layer writes them to disk (a {@code dlq})
     */
    public boolean spills() {
        return definition.sinks().stream().anyMatch(CompositionChecks::persists);
    }

    /** @return the error that failed the pipeline, if it failed */
    @Override
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** @return whether the last start failed for a reason that may go away (NATS unreachable) */
    boolean startRetriable() {
        return state == PipelineState.WAITING && startRetriable;
    }

    /** @return events emitted by the source and not yet completed by the chain */
    @Override
    public long inFlight() {
        InFlightGate g = gate;
        return g == null ? 0 : g.inFlight();
    }

    private Path dataDir() {
        return ElementContext.dataDir(env.settings(), name());
    }

    private ElementContext context(ResolvedElement element, int position) {
        return ElementContext.of(name(), element, position, metrics, env.settings(), env.actions(), env.statuses(),
                sinkStatus);
    }

    /**
     * The runtime's policy for {@link io.jetconnect.spi.SourceContext#cursors()}: the source block's {@code cursor}
     * key chooses {@code file} (the default), {@code kv} or {@code none}.
     */
    private CursorStore cursorStore(ResolvedElement source) {
        String kind = source.config().hasPath("cursor") ? source.config().getString("cursor") : "file";
        switch (kind) {
            case "file":
                return new FileCursorStore(dataDir().resolve("cursors"));
            case "kv":
                KvCursorStore kv = new KvCursorStore(env.settings().nats(), name(), lease);
                closeables.add(kv);
                return kv;
            case "none":
                return new NoCursorStore();
            default:
                throw source.config().invalid("cursor", "must be file, kv or none");
        }
    }

    /**
     * Builds the chain and starts the source. On failure the pipeline is {@link PipelineState#FAILED} (or
     * {@link PipelineState#WAITING} when the failure is retriable, such as NATS unreachable), whatever was built
     * is closed, and the cause is logged and kept as {@link #lastError()}; the exception is not thrown,
     * so that one broken pipeline does not stop the others.
     */
    public synchronized void start() {
        MDC.put("pipeline", name());
        state = PipelineState.STARTING;
        lastError = null;
        try {
            chain = Chain.build(definition, env.plugins(), this::context);
            EventSink next = chain.head();
            gate = new InFlightGate(next);
            metrics.gauge("jetconnect.pipeline.inflight", "events emitted by the source and not yet completed",
                    this::inFlight);
            if (leases != SourceLeases.NONE && runsOnce()) {
                lease = leases.join(name(), this::leaseChanged).orElse(null);
            }
            cursors = cursorStore(definition.source());
            if (!startSource()) {
                state = PipelineState.STANDBY;
                LOG.info("pipeline {} on standby: its source runs on the worker that holds its lease", name());
                return;
            }
            state = PipelineState.RUNNING;
            LOG.info("pipeline {} running: {}", name(), definition.summary());
        } catch (RuntimeException | LinkageError e) {
            lastError = describe(e);
            startFailures.increment();
            startRetriable = io.jetconnect.spi.Outcome.of(e).retriable();
            if (startRetriable) {
                LOG.warn("pipeline {} cannot start yet: {}", name(), lastError);
            } else {
                LOG.error("pipeline {} failed to start: {}", name(), lastError, e);
            }
            stopQuietly(Duration.ZERO);
            state = startRetriable ? PipelineState.WAITING : PipelineState.FAILED;
        } finally {
            MDC.remove("pipeline");
        }
    }

    private boolean runsOnce() {
        ResolvedElement element = definition.source();
        EventSource fresh = env.plugins().create(element.type(), EventSource.class);
        boolean[] once = new boolean[1];
        PluginRegistry.runWithLoaderOf(element.type(), () -> once[0] = fresh.runsOnce(element.config()));
        return once[0];
    }

    /**
     * The lease was gained or lost: a standby starts its source from the stored cursor, a holder that lost it stops
     * its source as a pause does (its cursor store refuses writes from the moment the lease ran out, whatever this
     * step's timing). A paused pipeline stays paused either way. The lease is read when this runs, maybe well after
     * the change (notices are handled one at a time): a running source started under another hold than the one held
     * now is stopped either way, and started again if the lease is held, so that it claims its cursors under the
     * new token rather than running on under a claim a later holder overtook.
     */
    private void leaseChanged() {
        followLease(null);
    }

    /** @param restart why to start a running source again even under the same hold, or null */
    private synchronized void followLease(String restart) {
        SourceLeases.SourceLease held = lease;
        if (held == null) {
            return;
        }
        MDC.put("pipeline", name());
        try {
            if (state == PipelineState.STANDBY) {
                if (startSource()) {
                    state = PipelineState.RUNNING;
                    LOG.info("pipeline {} running on this worker (lease taken): {}", name(), definition.summary());
                }
            } else if (state == PipelineState.RUNNING && (restart != null || held.token() != startedToken)) {
                restartUnder(restart != null ? restart : "the lease's hold changed");
            }
        } catch (RuntimeException | LinkageError e) {
            lastError = describe(e);
            LOG.error("pipeline {} failed to start its source: {}", name(), lastError, e);
            state = PipelineState.FAILED;
        } finally {
            MDC.remove("pipeline");
        }
    }

    /** Stops the running source; starts a new one, which claims its cursors anew, if the lease is held. */
    private void restartUnder(String why) {
        state = PipelineState.STANDBY;
        stopSourceAndWait();
        if (startSource()) {
            state = PipelineState.RUNNING;
            LOG.warn("pipeline {}: source started again ({}), under lease token {}", name(), why, startedToken);
        } else {
            LOG.warn("pipeline {} on standby: this worker lost its lease", name());
        }
    }

    /**
     * A fenced cursor was deleted or rewritten by hand while the source ran: the source starts again to read it.
     * Asked on the source's own thread, which the restart waits for, hence a thread of its own.
     */
    private void reclaim(long generation, String key) {
        io.jetconnect.nats.DaemonThreads.named("jetconnect-reclaim-" + name() + "-")
                .newThread(() -> reclaimed(generation, key)).start();
    }

    /**
     * Starts the source again to claim {@code key} anew, unless the source that asked is no longer the running one
     * (a restart came first, whose source reads the key anew anyway); fails the pipeline when the key keeps being
     * written by another under the same hold ({@link Reclaims}), rather than restarting for ever.
     *
     * @param generation the {@link #sourceGeneration()} of the source that asked
     */
    synchronized void reclaimed(long generation, String key) {
        if (generation != sourceGeneration || state != PipelineState.RUNNING) {
            LOG.debug("pipeline {}: a reclaim of {} by an earlier source, ignored", name(), key);
            return;
        }
        if (reclaims.tooMany(startedToken, System.nanoTime())) {
            lastError = "cursor " + key + " keeps being written by something other than this pipeline's source ("
                    + Reclaims.LIMIT + " restarts to read it within " + Reclaims.WINDOW.toSeconds() + " s): another "
                    + "runtime, a script or an earlier build writing the same key of bucket " + KvCursorStore.BUCKET
                    + "? Stop it, then restart the pipeline";
            LOG.error("pipeline {} failed: {}", name(), lastError);
            stopSourceAndWait();
            state = PipelineState.FAILED;
            return;
        }
        followLease("cursor " + key + " was reset by hand while it ran");
    }

    /** @return the count of its source's starts so far */
    synchronized long sourceGeneration() {
        return sourceGeneration;
    }

    private void awaitIdle() {
        try {
            if (!gate.awaitIdle(env.settings().shutdownTimeout())) {
                LOG.warn("pipeline {}: {} events still in flight after {}", name(), gate.inFlight(),
                        env.settings().shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the source, under the hold of its lease if it has one: the token is read once, so a hold that ran out
     * between a look at the lease and the start leaves it on standby, never running under token 0.
     *
     * @return whether it started; false when it has a lease and does not hold it
     */
    private boolean startSource() {
        SourceLeases.SourceLease held = lease;
        long token = held == null ? 0 : held.token();
        if (held != null && token == 0) {
            return false;
        }
        startedToken = token;
        long generation = ++sourceGeneration;
        ResolvedElement sourceElement = definition.source();
        source = env.plugins().create(sourceElement.type(), EventSource.class);
        CursorStore own = cursors instanceof KvCursorStore kv ? kv.session(key -> reclaim(generation, key)) : cursors;
        sourceContext = new PipelineSourceContext(context(sourceElement, -1), gate, own,
                env.ingress()::register, this::sourceFailed);
        EventSource s = source;
        PluginRegistry.runWithLoaderOf(sourceElement.type(), () -> s.start(sourceContext));
        return true;
    }

    private void stopSource() {
        env.ingress().remove(name());
        if (sourceContext != null) {
            sourceContext.requestStop();
        }
        if (source != null) {
            EventSource s = source;
            source = null;
            try {
                PluginRegistry.runWithLoaderOf(definition.source().type(), s::stop);
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: source did not stop cleanly: {}", name(), describe(e));
            }
        }
    }

    /** Stops the source and waits for its events; from then on its cursor stores are refused. */
    private void stopSourceAndWait() {
        stopSource();
        awaitIdle();
        if (cursors instanceof KvCursorStore kv) {
            kv.endSession();
        }
    }

    /** @return the pipeline's cursor store (for the admin API), or null before it started */
    @Override
    public CursorStore cursors() {
        return cursors;
    }

    /**
     * Pauses: the source stops taking events and the events in flight complete; the chain stays open (a spill
     * keeps draining).
     *
     * @return whether the pipeline was running (or on standby) and is now paused
     */
    @Override
    public synchronized boolean pause() {
        if (state != PipelineState.RUNNING && state != PipelineState.STANDBY) {
            return false;
        }
        MDC.put("pipeline", name());
        try {
            // Paused before its route goes: ingest answers 503 (come back), never 404, while in-flight events drain.
            state = PipelineState.PAUSED;
            stopSourceAndWait();
            LOG.info("pipeline {} paused", name());
            return true;
        } finally {
            MDC.remove("pipeline");
        }
    }

    /**
     * Resumes a paused pipeline with a new instance of its source, which continues from its cursor.
     *
     * @return whether the pipeline was paused and is now running (or on standby, another worker holding its lease)
     */
    @Override
    public synchronized boolean resume() {
        if (state != PipelineState.PAUSED) {
            return false;
        }
        MDC.put("pipeline", name());
        try {
            if (!startSource()) {
                state = PipelineState.STANDBY;
                LOG.info("pipeline {} resumed, on standby: another worker holds its lease", name());
                return true;
            }
            state = PipelineState.RUNNING;
            LOG.info("pipeline {} resumed", name());
        } catch (RuntimeException | LinkageError e) {
            lastError = describe(e);
            LOG.error("pipeline {} failed to resume: {}", name(), lastError, e);
            state = PipelineState.FAILED;
        } finally {
            MDC.remove("pipeline");
        }
        return state == PipelineState.RUNNING || state == PipelineState.STANDBY;
    }

    @Override
    public synchronized boolean setCursor(String key, long position) {
        if (state != PipelineState.PAUSED) {
            return false;
        }
        if (cursors == null) {
            throw new IllegalStateException("pipeline " + name() + " has no cursor store yet");
        }
        cursors.store(key, position);
        return true;
    }

    private void sourceFailed(Throwable cause) {
        lastError = describe(cause);
        LOG.error("pipeline {}: source failed: {}", name(), lastError, cause);
        state = PipelineState.FAILED;
    }

    /** A sink found a problem that needs a person: failed, and ingest answers 503 (the route goes). */
    private void sinkFailed(io.jetconnect.spi.JetconnectException cause) {
        lastError = describe(cause);
        LOG.error("pipeline {}: sink failed: {}", name(), lastError);
        state = PipelineState.FAILED;
        env.ingress().remove(name());
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Stops gracefully; see the class comment. */
    public synchronized void stop() {
        MDC.put("pipeline", name());
        try {
            boolean failed = state == PipelineState.FAILED;
            state = PipelineState.STOPPING;
            stopQuietly(env.settings().shutdownTimeout());
            state = failed ? PipelineState.FAILED : PipelineState.STOPPED;
            LOG.info("pipeline {} stopped", name());
        } finally {
            MDC.remove("pipeline");
        }
    }

    private void stopQuietly(Duration timeout) {
        stopSource();
        env.actions().removePipeline(name());
        env.statuses().removePipeline(name());
        if (gate != null) {
            try {
                if (!gate.closeAndAwait(timeout)) {
                    LOG.warn("pipeline {}: {} events still in flight after {}; closing the chain anyway", name(),
                            gate.inFlight(), timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (chain != null) {
            chain.close();
            chain = null;
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("pipeline {}: {} did not close cleanly: {}", name(), closeable, describe(e));
            }
        }
        closeables.clear();
        // Given up once its events completed and its cursor was stored: the next holder resumes from there.
        SourceLeases.SourceLease held = lease;
        lease = null;
        if (held != null) {
            held.close();
        }
        metrics.close();
    }
}
