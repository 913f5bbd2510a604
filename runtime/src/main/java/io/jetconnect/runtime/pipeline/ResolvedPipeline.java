package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.config.PipelineSpec;
import java.util.List;

/**
 * A pipeline whose elements all resolved to plugin types and whose blocks passed their plugins' checks.
 *
 * @param spec the pipeline as written
 * @param source its source
 * @param sinks its chain, outermost first
 */
public record ResolvedPipeline(PipelineSpec spec, ResolvedElement source, List<ResolvedElement> sinks) {

    public ResolvedPipeline {
        sinks = List.copyOf(sinks);
    }

    public String name() {
        return spec.name();
    }

    /** @return e.g. {@code redact -> sign -> dlq -> jetstream} */
    public String chainDescription() {
        StringBuilder out = new StringBuilder();
        for (ResolvedElement sink : sinks) {
            if (out.length() > 0) {
                out.append(" -> ");
            }
            out.append(sink.type().name());
        }
        return out.toString();
    }
}
