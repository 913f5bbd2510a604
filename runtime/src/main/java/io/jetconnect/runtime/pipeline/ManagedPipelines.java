package io.jetconnect.runtime.pipeline;

import java.util.List;
import java.util.Optional;

/** The pipelines as the admin API sees them ({@link Pipelines}): list, look up, restart. Thread-safe. */
public interface ManagedPipelines {

    /** @return the pipelines, in start order */
    List<? extends ManagedPipeline> all();

    /** @return the pipeline of that name, if any */
    Optional<? extends ManagedPipeline> get(String name);

    /**
     * Stops a pipeline and starts it again from its definition.
     *
     * @return the new instance
     * @throws IllegalArgumentException if there is no pipeline of that name
     */
    ManagedPipeline restart(String name);
}
