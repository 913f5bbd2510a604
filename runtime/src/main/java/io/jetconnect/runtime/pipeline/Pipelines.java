package io.jetconnect.runtime.pipeline;

import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * The running pipelines of the runtime, by name: starts them, stops them (in parallel, so one slow drain does
 * not delay the others' shutdown) and exports {@code jetconnect_pipeline_state}.
 */
public final class Pipelines {

    private final PipelineEnvironment env;
    private final Map<String, Pipeline> byName = new LinkedHashMap<>();

    public Pipelines(PipelineEnvironment env) {
        this.env = env;
    }

    /** Starts a pipeline; a failure leaves it {@link PipelineState#FAILED} and does not throw. */
    public synchronized Pipeline start(ResolvedPipeline definition) {
        Pipeline pipeline = new Pipeline(definition, env);
        byName.put(definition.name(), pipeline);
        Gauge.builder("jetconnect.pipeline.state", pipeline, p -> p.state().code())
                .description("0 starting, 1 running, 2 stopping, 3 stopped, 4 failed")
                .tag("pipeline", definition.name())
                .register(env.meters());
        pipeline.start();
        return pipeline;
    }

    /** @return the pipelines, in start order */
    public synchronized List<Pipeline> all() {
        return new ArrayList<>(byName.values());
    }

    /** @return whether every pipeline is running */
    public synchronized boolean allRunning() {
        return byName.values().stream().allMatch(p -> p.state() == PipelineState.RUNNING);
    }

    /** Stops every pipeline gracefully, in parallel, and waits for all of them. */
    public void stopAll() {
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
