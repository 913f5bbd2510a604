package io.jetconnect.runtime.cluster;

import io.jetconnect.runtime.pipeline.ManagedPipeline;
import io.jetconnect.runtime.pipeline.ManagedPipelines;
import io.jetconnect.runtime.pipeline.PipelineState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on the fleet's {@link FleetControl}s on this worker. A pause holds: an instance that runs (after a reload,
 * a retried start, a lease taken) while its control says paused is paused at the next look. A resume acts once,
 * when the control changes to running, so that a pause made on this worker alone is not undone by an old control.
 * A restart acts once per generation; the generations already there when the worker starts count as done (its
 * pipelines are fresh).
 */
final class ControlApplier {

    private static final Logger LOG = LoggerFactory.getLogger(ControlApplier.class);

    private final Map<String, FleetControl> acted = new HashMap<>();

    /** The controls present when the worker reached the bucket: their restarts are done, their state holds. */
    synchronized void baseline(Map<String, FleetControl> controls) {
        acted.putAll(controls);
    }

    /** Applies the controls now; called when one changed and after each apply of the bucket's pipelines. */
    synchronized void apply(Map<String, FleetControl> controls, ManagedPipelines pipelines) {
        for (Map.Entry<String, FleetControl> e : controls.entrySet()) {
            String name = e.getKey();
            FleetControl want = e.getValue();
            FleetControl before = acted.getOrDefault(name, FleetControl.NONE);
            Optional<? extends ManagedPipeline> found = pipelines.get(name);
            if (found.isEmpty()) {
                // Started later, it starts fresh: this generation is done for it, and a pause still holds.
                acted.put(name, want);
                continue;
            }
            try {
                if (want.generation() > before.generation()) {
                    LOG.info("fleet: restarting pipeline {} (fleet restart {})", name, want.generation());
                    pipelines.restart(name);
                    found = pipelines.get(name);
                }
                ManagedPipeline p = found.orElseThrow();
                PipelineState state = p.state();
                if (want.paused() && state != PipelineState.PAUSED && p.pause()) {
                    LOG.info("fleet: pipeline {} paused (fleet pause at {})", name, want.at());
                } else if (!want.paused() && before.paused() && state == PipelineState.PAUSED && p.resume()) {
                    LOG.info("fleet: pipeline {} resumed (fleet resume at {})", name, want.at());
                }
                acted.put(name, want);
            } catch (RuntimeException ex) {
                LOG.warn("fleet: applying the control of pipeline {}: {}", name, ex.getMessage());
            }
        }
    }
}
