package io.jetconnect.spi;

/**
 * The context of a terminal {@link EventSink} or of a {@link SinkDecorator}'s layer.
 *
 * <p>Thread-safe; all methods return non-null values.
 */
public interface SinkContext extends PluginContext {

    /** @return the zero-based position of this element in the pipeline's {@code sinks} list */
    int position();
}
