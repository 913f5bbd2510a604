package io.jetconnect.runtime.pipeline;

import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * The running pipelines of the runtime, by name: starts them, stops them (in parallel, so one slow drain does
 * not delay the others' shutdown) and exports {@code jetconnect_pipeline_state}.
 */
public final class Pipelines implements ManagedPipelines {

    private volatile PipelineEnvironment env;
    private final Map<String, Pipeline> byName = new LinkedHashMap<>();
    /** {@link #byName}'s values after its last change, for views that must not wait for a reload. */
    private volatile List<Pipeline> snapshot = List.of();
    /** Per pipeline, the digests of the files its blocks named when it last started ({@link ReferencedFiles}). */
    private final Map<String, Map<String, String>> startedWithFiles = new java.util.HashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jetconnect-pipeline-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private volatile SourceLeases leases = SourceLeases.NONE;

    public Pipelines(PipelineEnvironment env) {
        this.env = env;
    }

    /** @param leases where run-once pipelines started from now on get their lease (fleet mode) */
    public void useLeases(SourceLeases leases) {
        this.leases = leases;
    }

    /**
     * Starts a pipeline; a failure leaves it {@link PipelineState#FAILED} and does not throw. A pipeline that
     * could not start for a retriable reason (NATS unreachable) is {@link PipelineState#WAITING} and started again
     * after the waits of {@code jetconnect.pipeline-start-retry}, until it runs or a reload, restart or stop
     * replaces it.
     */
    public synchronized Pipeline start(ResolvedPipeline definition) {
        Pipeline pipeline = startOnce(definition);
        if (pipeline.startRetriable()) {
            scheduleRetry(definition, pipeline, 0);
        }
        return pipeline;
    }

    private synchronized Pipeline startOnce(ResolvedPipeline definition) {
        PipelineEnvironment env = this.env;
        startedWithFiles.put(definition.name(), ReferencedFiles.of(definition));
        Pipeline pipeline = new Pipeline(definition, env, leases);
        byName.put(definition.name(), pipeline);
        snapshot = List.copyOf(byName.values());
        removeStateGauge(env, definition.name());
        Gauge.builder("jetconnect.pipeline.state", pipeline, p -> p.state().code())
                .description("0 starting, 1 running, 2 stopping, 3 stopped, 4 failed, 5 paused, 6 waiting, 7 standby")
                .tag("pipeline", definition.name())
                .register(env.meters());
        pipeline.start();
        return pipeline;
    }

    /** Removes a pipeline's state gauge by its exact id: a search of the registry per pipeline was quadratic. */
    private static void removeStateGauge(PipelineEnvironment env, String pipeline) {
        env.meters().removeByPreFilterId(new io.micrometer.core.instrument.Meter.Id("jetconnect.pipeline.state",
                io.micrometer.core.instrument.Tags.of("pipeline", pipeline), null, null,
                io.micrometer.core.instrument.Meter.Type.GAUGE));
    }

    /** @param attempt starts that failed retriably before {@code failed}'s, in a row */
    private void scheduleRetry(ResolvedPipeline definition, Pipeline failed, int attempt) {
        if (stopping) {
            return;
        }
        long delayNanos = env.settings().pipelineStartRetry().delayNanos(attempt);
        retries.schedule(() -> {
            Pipeline next;
            synchronized (this) {
                if (stopping || byName.get(definition.name()) != failed) {
                    return;
                }
                next = startOnce(definition);
            }
            if (next.startRetriable()) {
                scheduleRetry(definition, next, Math.max(attempt, attempt + 1)); // saturates
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** @return the pipeline of that name, if any */
    @Override
    public synchronized java.util.Optional<Pipeline> get(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    /** Stops a pipeline and starts it again from its definition, with fresh instances of every element. */
    @Override
    public Pipeline restart(String name) {
        Pipeline old;
        synchronized (this) {
            old = byName.get(name);
        }
        if (old == null) {
            throw new IllegalArgumentException("no pipeline " + name);
        }
        old.stop();
        return start(old.definition());
    }

    /** What a reload did, by pipeline name. */
    public record ReloadResult(List<String> started, List<String> stopped, List<String> restarted,
                               List<String> unchanged) {
    }

    /**
     * Applies a new set of definitions: unchanged pipelines keep running untouched, changed ones (a file one of
     * their blocks names, such as a tokens file, counts) restart gracefully, removed ones stop, new ones start.
     *
     * @param definitions the new definitions, already resolved and checked
     * @param newEnv the environment for the pipelines that (re)start
     * @throws IllegalStateException once the runtime is stopping: a reload then (a fleet push arriving during
     *     shutdown) would start pipelines that {@link #stopAll} no longer sees
     */
    public synchronized ReloadResult reload(List<ResolvedPipeline> definitions, PipelineEnvironment newEnv) {
        if (stopping) {
            throw new IllegalStateException("the runtime is stopping: no reload");
        }
        PipelineEnvironment oldEnv = env;
        env = newEnv;
        List<String> started = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, ResolvedPipeline> wanted = new LinkedHashMap<>();
        for (ResolvedPipeline d : definitions) {
            wanted.put(d.name(), d);
        }
        for (Pipeline running : new ArrayList<>(byName.values())) {
            if (!wanted.containsKey(running.name())) {
                running.stop();
                byName.remove(running.name());
                snapshot = List.copyOf(byName.values());
                startedWithFiles.remove(running.name());
                removeStateGauge(env, running.name());
                stopped.add(running.name());
            }
        }
        for (ResolvedPipeline d : definitions) {
            Pipeline running = byName.get(d.name());
            if (running == null) {
                start(d);
                started.add(d.name());
            } else if (sameDefinition(running.definition(), oldEnv, d, newEnv)
                    && ReferencedFiles.of(d).equals(startedWithFiles.get(d.name()))
                    && running.state() != PipelineState.FAILED && !running.startRetriable()) {
                unchanged.add(d.name());
            } else {
                running.stop();
                start(d);
                restarted.add(d.name());
            }
        }
        return new ReloadResult(started, stopped, restarted, unchanged);
    }

    private static boolean sameDefinition(ResolvedPipeline a, PipelineEnvironment envA, ResolvedPipeline b,
                                          PipelineEnvironment envB) {
        if (!a.spec().block().root().equals(b.spec().block().root())) {
            return false;
        }
        if (!envA.settings().nats().equals(envB.settings().nats())
                || !envA.settings().dataDir().equals(envB.settings().dataDir())) {
            return false;
        }
        // The streams it refers to must be unchanged too.
        for (ResolvedElement e : concat(a)) {
            if (e.config().hasPath("stream")) {
                String ref = e.config().getString("stream");
                if (!java.util.Objects.equals(envA.settings().streams().get(ref), envB.settings().streams().get(ref))) {
                    return false;
                }
            }
        }
        // A plugin reloaded under the same type name is new code: restart.
        return concat(a).stream().map(e -> e.type().extensionClass()).toList()
                .equals(concat(b).stream().map(e -> e.type().extensionClass()).toList());
    }

    private static List<ResolvedElement> concat(ResolvedPipeline p) {
        List<ResolvedElement> all = new ArrayList<>(p.sinks());
        all.add(p.source());
        return all;
    }

    /**
     * @return the pipelines as of their last start or removal, without waiting for a reload that holds the lock
     *     (it stops pipelines one by one, each for up to {@code shutdown-timeout}): for a fleet heartbeat, which
     *     must not show its worker dead meanwhile
     */
    public List<Pipeline> snapshot() {
        return snapshot;
    }

    /** @return the pipelines, in start order */
    @Override
    public synchronized List<Pipeline> all() {
        return new ArrayList<>(byName.values());
    }

    /** @return whether every pipeline is running */
    public synchronized boolean allRunning() {
        return byName.values().stream().allMatch(p -> p.state() == PipelineState.RUNNING);
    }

    /**
     * @return whether every pipeline takes events: running, or waiting for its broker with a {@code dlq} that
     *     spills them ({@code /readyz})
     */
    public synchronized boolean allTakeEvents() {
        return byName.values().stream().allMatch(Pipeline::takesEvents);
    }

    /** Stops every pipeline gracefully, in parallel, and waits for all of them. */
    public void stopAll() {
        stopping = true;
        retries.shutdownNow();
        List<Pipeline> pipelines = all();
        if (pipelines.isEmpty()) {
            return;
        }
        ExecutorService stopper = Executors.newFixedThreadPool(pipelines.size(), r -> {
            Thread t = new Thread(r, "jetconnect-stop");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> stops = new ArrayList<>();
            for (Pipeline pipeline : pipelines) {
                stops.add(stopper.submit(pipeline::stop));
            }
            for (Future<?> stop : stops) {
                try {
                    stop.get();
                } catch (ExecutionException e) {
                    // Pipeline.stop logs its own problems; keep stopping the others.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            stopper.shutdownNow();
        }
    }
}
