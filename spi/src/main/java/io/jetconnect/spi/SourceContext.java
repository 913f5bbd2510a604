package io.jetconnect.spi;

import java.util.concurrent.CompletionStage;

/**
 * The context of an {@link EventSource}: the chain to emit into, a cursor store, a stop signal and, for sources
 * that are pushed to, the runtime's HTTP listener.
 *
 * <p>Thread-safe; all methods return non-null values.
 */
public interface SourceContext extends PluginContext {

    /** @return the head of the pipeline's chain: the outermost decorator, or the terminal sink */
    EventSink chain();

    /** @return durable positions for this pipeline's source; survives restarts of the runtime */
    CursorStore cursors();

    /** @return true once the pipeline has been asked to stop; a polling loop checks it between batches */
    boolean isStopRequested();

    /** @return a stage that completes when the pipeline is asked to stop */
    CompletionStage<Void> stopRequested();

    /**
     * Routes {@code POST /v1/pipelines/{pipeline}/events} on the runtime's HTTP listener to the handler.
     * A second call replaces the first handler. The route disappears when the pipeline stops.
     *
     * @param handler the handler; not null
     */
    void registerIngress(IngressHandler handler);

    /**
     * Reports that the source has failed after it started; the runtime marks the pipeline failed and logs the
     * cause. The source is stopped as usual.
     *
     * @param cause what went wrong; not null
     */
    void fail(Throwable cause);
}
