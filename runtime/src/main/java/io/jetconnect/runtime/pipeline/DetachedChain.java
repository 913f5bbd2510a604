package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.spi.EventSink;
import java.nio.file.Path;

/**
 * A pipeline's chain built as {@link Pipeline#start()} builds it (same plugins, contexts, data directory and
 * meters), but with its head handed to the caller instead of to the pipeline's source: for tools that drive the
 * runtime's machinery in process, such as {@code jetconnect bench}. There is no in-flight gate and no one listens to
 * the sink's reports about itself; whoever emits into the head waits for its own completions before closing.
 */
public final class DetachedChain implements AutoCloseable {

    private final Chain chain;
    private final MicrometerPluginMetrics metrics;

    private DetachedChain(Chain chain, MicrometerPluginMetrics metrics) {
        this.chain = chain;
        this.metrics = metrics;
    }

    /**
     * Builds the chain of a pipeline. On failure whatever was built is closed and the exception is thrown.
     *
     * @param env the plugins, the settings the elements get (their NATS, streams, data directory), the meters and
     *     the operator actions; its ingress routes are not used
     */
    public static DetachedChain open(ResolvedPipeline definition, PipelineEnvironment env) {
        String name = definition.name();
        MicrometerPluginMetrics metrics = new MicrometerPluginMetrics(env.meters(), name);
        try {
            Chain chain = Chain.build(definition, env.plugins(),
                    (element, i) -> ElementContext.of(name, element, i, metrics, env.settings(), env.actions(),
                            env.statuses(), null));
            return new DetachedChain(chain, metrics);
        } catch (RuntimeException | LinkageError e) {
            metrics.close();
            throw e;
        }
    }

    /** @return the head of the chain, the outermost decorator */
    public EventSink head() {
        return chain.head();
    }

    /**
     * @return the data directory the elements of a pipeline of that name get with these settings (a {@code dlq}
     *     keeps its spill under it); it may not exist yet
     */
    public static Path dataDir(RuntimeSettings settings, String pipeline) {
        return ElementContext.dataDir(settings, pipeline);
    }

    /** Closes every layer, outermost first, as a stopping pipeline does, and removes the pipeline's meters. */
    @Override
    public void close() {
        chain.close();
        metrics.close();
    }
}
