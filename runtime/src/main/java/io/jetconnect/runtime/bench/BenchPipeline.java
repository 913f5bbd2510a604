package io.jetconnect.runtime.bench;

import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.runtime.pipeline.AdminActions;
import io.jetconnect.runtime.pipeline.ElementContext;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.runtime.pipeline.ResolvedElement;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.EventSource;
import io.jetconnect.spi.SinkDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A resolved pipeline's chain, built from the loaded plugins exactly as {@code Pipeline.start} builds it (the
 * terminal sink created and opened, then each decorator's {@code decorate} around it, innermost first, each call
 * with the plugin's class loader as the context loader, each element with an {@link ElementContext}), but with the
 * head handed to the bench instead of to the pipeline's source, so the bench can emit into it in-process. It can
 * also start a resolved source against any chain, with a cursor store that keeps nothing.
 */
final class BenchPipeline implements AutoCloseable {

    private record Layer(PluginType type, EventSink sink) {
    }

    private final String name;
    private final List<Layer> layers;
    private final MicrometerPluginMetrics metrics;

    private BenchPipeline(String name, List<Layer> layers, MicrometerPluginMetrics metrics) {
        this.name = name;
        this.layers = layers;
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
        List<Layer> layers = new ArrayList<>();
        BenchPipeline pipeline = new BenchPipeline(definition.name(), layers, metrics);
        try {
            EventSink next = null;
            List<ResolvedElement> sinks = definition.sinks();
            for (int i = sinks.size() - 1; i >= 0; i--) {
                ResolvedElement element = sinks.get(i);
                ElementContext context = context(definition.name(), element, i, metrics, settings, actions);
                PluginType type = element.type();
                EventSink layer;
                if (next == null) {
                    EventSink terminal = plugins.create(type, EventSink.class);
                    PluginRegistry.runWithLoaderOf(type, () -> terminal.open(context));
                    layer = terminal;
                } else {
                    SinkDecorator decorator = plugins.create(type, SinkDecorator.class);
                    EventSink inner = next;
                    layer = PluginRegistry.withLoaderOf(type, () -> decorator.decorate(context, inner));
                }
                layers.add(0, new Layer(type, layer));
                next = layer;
            }
            return pipeline;
        } catch (RuntimeException | LinkageError e) {
            pipeline.close();
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
        return layers.get(0).sink();
    }

    /** Closes every layer, outermost first, as a stopping pipeline does, and removes the pipeline's meters. */
    @Override
    public void close() {
        for (Layer layer : layers) {
            try {
                PluginRegistry.runWithLoaderOf(layer.type(), layer.sink()::close);
            } catch (RuntimeException e) {
                // a layer that does not close cleanly must not keep the others open
            }
        }
        layers.clear();
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
