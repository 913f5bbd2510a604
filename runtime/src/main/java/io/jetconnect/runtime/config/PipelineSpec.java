package io.jetconnect.runtime.config;

import java.util.List;

/**
 * A pipeline as declared: a source and its chain, outermost first.
 *
 * @param name the key under {@code jetconnect.pipelines}
 * @param source the source element
 * @param sinks the chain, outermost first; the last is the terminal sink
 * @param block the pipeline's whole block, to tell whether a reload changed it
 */
public record PipelineSpec(String name, ElementSpec source, List<ElementSpec> sinks, com.typesafe.config.Config block) {

    public PipelineSpec {
        sinks = List.copyOf(sinks);
    }
}
