package io.jetconnect.runtime.bench;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.Chain;
import io.jetconnect.runtime.pipeline.ElementContext;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.runtime.pipeline.ResolvedElement;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A resolved pipeline's {@link Chain}, built from the loaded plugins as {@code Pipeline.start} builds it, but with
 * the head handed to the bench instead of to the pipeline's source, so the bench can emit into it in-process. It can
 * also start a resolved source against any chain, with a cursor store that keeps nothing.
 */
final class BenchPipeline implements AutoCloseable {

    private final String name;
    private final Chain chain;
    private final MicrometerPluginMetrics metrics;

    private BenchPipeline(String name, Chain chain, MicrometerPluginMetrics metrics) {
        this.name = name;
        this.chain = chain;
        this.metrics = metrics;
    }

    /**
     * Builds the chain of a pipeline. On failure, whatever was built is closed and the exception is thrown.
     *
     * @param settings the runtime settings to give the elements (their NATS URL, streams, data directory)
     */
    static BenchPipeline open(ResolvedPipeline definition, PluginRegistry plugins, RuntimeSettings settings,
                              MeterRegistry meters, AdminActions actions) {
        MicrometerPluginMetrics metrics = new MicrometerPluginMetrics(meters, definition.name());
        try {
            Chain chain = Chain.build(definition, plugins,
                    (element, i) -> context(definition.name(), element, i, metrics, settings, actions));
            return new BenchPipeline(definition.name(), chain, metrics);
        } catch (RuntimeException | LinkageError e) {
            metrics.close();
            throw e;
        }
    }

    private static ElementContext context(String pipeline, ResolvedElement element, int position,
                                          MicrometerPluginMetrics metrics, RuntimeSettings settings,
                                          AdminActions actions) {
        Path dataDir = settings.dataDir().resolve("pipelines").resolve(pipeline);
        return new ElementContext(pipeline, element.type().name(), position, element.config(), metrics, dataDir,
                settings.nats(), settings.streams(), actions);
    }

    /** @return the head of the chain, the outermost decorator */
    EventSink head() {
        return chain.head();
    }

    /** Closes every layer, outermost first, as a stopping pipeline does, and removes the pipeline's meters. */
    @Override
    public void close() {
        chain.close();
        metrics.close();
    }

    @Override
    public String toString() {
        return name;
    }

    /** A source started against a chain; {@link #close()} stops it as a stopping pipeline does. */
    static final class RunningSource implements AutoCloseable {

        private final EventSource source;
        private final PluginType type;
        private final PipelineSourceContext context;
        private final MicrometerPluginMetrics metrics;
        private final AtomicReference<Throwable> failure;

        private RunningSource(EventSource source, PluginType type, PipelineSourceContext context,
                              MicrometerPluginMetrics metrics, AtomicReference<Throwable> failure) {
            this.source = source;
            this.type = type;
            this.context = context;
            this.metrics = metrics;
            this.failure = failure;
        }

        /** @return what the source reported through {@code fail}, if anything */
        Throwable failure() {
            return failure.get();
        }

        @Override
        public void close() {
            context.requestStop();
            try {
                PluginRegistry.runWithLoaderOf(type, source::stop);
            } finally {
                metrics.close();
            }
        }
    }

    /**
     * Starts a pipeline's source against a chain of the caller's, with a cursor store that keeps nothing (every
     * start begins at the source's {@code start}).
     */
    static RunningSource startSource(ResolvedPipeline definition, EventSink chain, PluginRegistry plugins,
                                     RuntimeSettings settings, MeterRegistry meters, AdminActions actions) {
        MicrometerPluginMetrics metrics = new MicrometerPluginMetrics(meters, definition.name());
        ResolvedElement element = definition.source();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        PipelineSourceContext context = new PipelineSourceContext(
                context(definition.name(), element, -1, metrics, settings, actions), chain, new Forgetful(),
                (pipeline, handler) -> { }, failure::set);
        EventSource source = plugins.create(element.type(), EventSource.class);
        try {
            PluginRegistry.runWithLoaderOf(element.type(), () -> source.start(context));
        } catch (RuntimeException | LinkageError e) {
            metrics.close();
            throw e;
        }
        return new RunningSource(source, element.type(), context, metrics, failure);
    }

    /** A cursor store that never has a position: the bench reads from the start every time. */
    private static final class Forgetful implements CursorStore {

        @Override
        public OptionalLong load(String key) {
            return OptionalLong.empty();
        }

        @Override
        public void store(String key, long position) {
            // deliberately nothing
        }
    }
}
