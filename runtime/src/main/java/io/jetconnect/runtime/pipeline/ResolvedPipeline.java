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

    /**
     * @return one line for the startup log: source, chain, and the terminal sink's subject and stream when it has
     *     them, e.g. {@code source http, chain redact -> sign -> dlq -> jetstream, subject cellos.events.{tenantId}.v1,
     *     stream events}
     */
    public String summary() {
        StringBuilder out = new StringBuilder("source ").append(source.type().name()).append(", chain ")
                .append(chainDescription());
        var terminal = sinks.get(sinks.size() - 1).config();
        for (String key : new String[] {"subject", "stream", "path"}) {
            if (terminal.hasPath(key) && !terminal.getString(key).isBlank()) {
                out.append(", ").append(key).append(' ').append(terminal.getString(key));
            }
        }
        var sourceConfig = source.config();
        if (sourceConfig.hasPath("stream")) {
            out.append(", from stream ").append(sourceConfig.getString("stream"));
        }
        return out.toString();
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
