package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkDecorator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's sinks, built innermost first: the terminal sink created and opened, then each decorator's
 * {@code decorate} around it, every call with the plugin's class loader as the context loader. {@link #close()}
 * closes every layer outermost first. Used by {@link Pipeline} and by {@link DetachedChain}.
 */
final class Chain implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Chain.class);

    private record Layer(PluginType type, EventSink sink) {
    }

    private final String pipeline;
    private final List<Layer> layers;
    /** The outermost layer, counted ({@link CountingSink}). */
    private EventSink head;
    /** The terminal sink, counted: what the chain stored or wrote. */
    private CountingSink terminal;

    private Chain(String pipeline, List<Layer> layers) {
        this.pipeline = pipeline;
        this.layers = layers;
    }

    /**
     * Builds the chain. On failure whatever was built is closed and the exception is thrown.
     *
     * @param definition the pipeline
     * @param plugins where the types come from
     * @param contexts the context of the element at a position of {@code sinks}
     */
    static Chain build(ResolvedPipeline definition, PluginRegistry plugins,
                       BiFunction<ResolvedElement, Integer, ElementContext> contexts) {
        List<Layer> layers = new ArrayList<>();
        Chain chain = new Chain(definition.name(), layers);
        try {
            EventSink next = null;
            List<ResolvedElement> sinks = definition.sinks();
            for (int i = sinks.size() - 1; i >= 0; i--) {
                ResolvedElement element = sinks.get(i);
                ElementContext context = contexts.apply(element, i);
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
                CountingSink counted = new CountingSink(layer, context.metrics(), type.name(), i);
                if (chain.terminal == null) {
                    chain.terminal = counted;
                }
                next = counted;
            }
            chain.head = next;
            return chain;
        } catch (RuntimeException | LinkageError e) {
            chain.close();
            throw e;
        }
    }

    /** @return the outermost layer */
    EventSink head() {
        return head;
    }

    /** @return what the terminal sink did: stored or written, failed retriably, rejected */
    CountingSink.Counts terminalCounts() {
        CountingSink t = terminal;
        return t == null ? CountingSink.Counts.NONE : t.counts();
    }

    /** Closes every layer, outermost first; one that fails to close does not keep the others open. */
    @Override
    public void close() {
        for (Layer layer : layers) {
            try {
                PluginRegistry.runWithLoaderOf(layer.type(), layer.sink()::close);
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: {} did not close cleanly: {}", pipeline, layer.type().name(),
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        layers.clear();
    }
}
