package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pipeline's source started as {@link Pipeline#start()} starts it, but emitting into a sink of the caller's and
 * with a cursor store that keeps nothing ({@code cursor = none}: every start begins at the source's {@code start}):
 * for tools that drive the runtime's machinery in process, such as {@code jetconnect bench}. {@link #close()} stops
 * it as a stopping pipeline does.
 */
public final class DetachedSource implements AutoCloseable {

    private final EventSource source;
    private final PluginType type;
    private final PipelineSourceContext context;
    private final MicrometerPluginMetrics metrics;
    private final AtomicReference<Throwable> failure;
    private final IngressRoutes ingress;

    private DetachedSource(EventSource source, PluginType type, PipelineSourceContext context,
                           MicrometerPluginMetrics metrics, AtomicReference<Throwable> failure, IngressRoutes ingress) {
        this.ingress = ingress;
        this.source = source;
        this.type = type;
        this.context = context;
        this.metrics = metrics;
        this.failure = failure;
    }

    /**
     * Starts a pipeline's source. On failure the exception is thrown and nothing is left running.
     *
     * @param sink where the source emits
     * @param env the plugins, the settings the source gets, the meters, the operator actions and the ingress routes
     *     a source registers with
     */
    public static DetachedSource start(ResolvedPipeline definition, EventSink sink, PipelineEnvironment env) {
        String name = definition.name();
        MicrometerPluginMetrics metrics = new MicrometerPluginMetrics(env.meters(), name);
        ResolvedElement element = definition.source();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        PipelineSourceContext context = new PipelineSourceContext(
                ElementContext.of(name, element, -1, metrics, env.settings(), env.actions(), env.statuses(), null),
                sink,
                new NoCursorStore(), env.ingress()::register, failure::set);
        try {
            EventSource source = env.plugins().create(element.type(), EventSource.class);
            PluginRegistry.runWithLoaderOf(element.type(), () -> source.start(context));
            return new DetachedSource(source, element.type(), context, metrics, failure, env.ingress());
        } catch (RuntimeException | LinkageError e) {
            metrics.close();
            throw e;
        }
    }

    /** @return what the source reported through {@code fail}, if anything */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        ingress.remove(context.pipelineName());
        context.requestStop();
        try {
            PluginRegistry.runWithLoaderOf(type, source::stop);
        } finally {
            metrics.close();
        }
    }
}
