package io.jetconnect.spi;

/**
 * Wraps the next sink of a pipeline's chain: {@code sinks = [redact, sign, dlq, jetstream]} means redact
 * wraps sign wraps dlq wraps jetstream.
 *
 * <h2>Lifecycle</h2>
 * One instance per use in a chain; {@link #decorate} is called once, innermost decorator first, before the
 * source starts. The returned layer follows the {@link EventSink} contract, except that {@link EventSink#open}
 * is not called on it.
 *
 * <h2>Contract</h2>
 * A layer must not mutate the events it receives (CloudEvents are immutable; build a changed copy with
 * {@code CloudEventBuilder.from(event)}), must keep the order of events emitted by one thread, and must be
 * thread-safe. It decides nothing about retries of the inner sink's failures unless that is its whole purpose
 * (the {@code dlq} decorator); otherwise it passes the inner stage's outcome through.
 */
public interface SinkDecorator extends org.pf4j.ExtensionPoint {

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
     * Builds the layer.
     *
     * @param context this decorator's context; never null
     * @param next the sink this layer wraps; never null, already built
     * @return the layer; never null
     * @throws ConfigurationException if the decorator's configuration cannot work
     */
    EventSink decorate(SinkContext context, EventSink next);
}
