package io.jetconnect.spi;

/**
 * The context of a terminal {@link EventSink} or of a {@link SinkDecorator}'s layer.
 *
 * <p>Thread-safe; all methods return non-null values.
 */
public interface SinkContext extends PluginContext {

    /** @return the zero-based position of this element in the pipeline's {@code sinks} list */
    int position();

    /**
     * Tells the runtime that this sink cannot take events yet, for a reason that goes away by itself (its broker
     * is unreachable), and that it is working on it in the background. The runtime shows the pipeline as
     * {@code waiting} with the reason until {@link #available()}. Meanwhile the sink fails emits with a
     * {@link RetriableException} (a spill in front of it takes them). The default does nothing.
     *
     * @param reason what it waits for, without secrets; not null
     * @since 0.2
     */
    default void waiting(String reason) {
    }

    /**
     * Tells the runtime that this sink takes events (again) after {@link #waiting}: the runtime shows the pipeline
     * as running and runs the {@code drain} action ({@link #registerAction}) of every layer of the pipeline that
     * offers one, so that a spill drains at once rather than at the end of its backoff. The default does nothing.
     *
     * @since 0.2
     */
    default void available() {
    }

    /**
     * Tells the runtime that this sink found, after {@code open}, a problem that only a person can fix (the
     * stream exists with a configuration it cannot use, the broker refused the credentials). The runtime shows
     * the pipeline as {@code failed} with the cause and stops taking events on it; the sink keeps failing emits
     * with a {@link RetriableException}. The default does nothing.
     *
     * @param cause what is wrong, without secrets; not null
     * @since 0.2
     */
    default void failed(JetconnectException cause) {
    }
}
