package io.jetconnect.spi;

import org.pf4j.ExtensionPoint;

/**
 * Produces events into the head of a pipeline's chain ({@link SourceContext#chain()}).
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The runtime creates one instance per pipeline (public no-argument constructor).</li>
 *   <li>{@link #start(SourceContext)} is called once, after the chain is built. It returns promptly; a source
 *       that polls runs on threads it starts itself (daemon threads named after the pipeline), a source that
 *       is pushed to registers an {@link IngressHandler}.</li>
 *   <li>{@link #stop()} is called once when the pipeline stops; the context's stop signal fires first. On
 *       return the source emits no more events. Events already emitted complete in the chain; a source that
 *       stores a cursor stores it only for events whose stage completed normally.</li>
 * </ol>
 *
 * <h2>Threading</h2>
 * {@code start} and {@code stop} are called from one runtime thread. The source may emit from any number of
 * threads; order is kept per emitting thread (see {@link EventSink}).
 *
 * <h2>Errors</h2>
 * {@code start} throws {@link ConfigurationException} for configuration that cannot work (the pipeline fails
 * to start) and {@link JetconnectException} for anything else that stops it from starting. A source that
 * fails later reports it through {@link SourceContext#fail(Throwable)}.
 */
public interface EventSource extends ExtensionPoint {

    /**
     * Checks a configuration without opening anything: {@code jetconnect check} and startup call it on a fresh
     * instance, before any pipeline starts, so that settings that can never work are reported with their file and
     * line. The default accepts everything (the block already passed the checks against {@code reference.conf}).
     *
     * @param config the block over the plugin's defaults; never null
     * @throws ConfigurationException for a value that cannot work (build it with {@link ConnectorConfig#invalid})
     * @since 0.1
     */
    default void validate(ConnectorConfig config) {
    }

    /**
     * Whether this source, so configured, must run on one runtime at a time. In fleet mode
     * (docs/scale-out.md) a pipeline whose source says so runs only on the worker that holds its lease; the others
     * keep it on standby and take it over, from its stored cursor, when that worker is lost. A source that reads a
     * stream from a cursor of its own says yes (two copies would deliver every event twice and move one cursor
     * back and forth); one that is pushed to (HTTP ingest) or shares a durable consumer with its copies says no.
     * Called on a fresh instance, before {@link #start(SourceContext)}, as {@link #validate(ConnectorConfig)} is.
     * The default is no.
     *
     * @param config the block over the plugin's defaults; never null
     * @return whether the fleet must run it once
     * @since 0.2
     */
    default boolean runsOnce(ConnectorConfig config) {
        return false;
    }

    /**
     * Starts producing events.
     *
     * @param context this source's context; never null, valid until {@link #stop()} returns
     */
    void start(SourceContext context);

    /** Stops producing events; returns when no further {@code emit} will be made. Idempotent. */
    void stop();
}
