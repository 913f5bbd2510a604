/**
 * Building blocks for plugins that deliver events in order while many are in flight.
 *
 * <p>{@link io.jetconnect.spi.delivery.OrderedWindow} is the one ordered-completion window the bundled plugins
 * use (the {@code jetstream} sink's publisher, the {@code dlq} drainer, the {@code replay} sources' cursor, the
 * {@code sign} layer's parallel signer) and that a third-party plugin may use the same way. It is plain Java, with
 * no NATS, Micrometer or configuration types, so it outlives their upgrades.
 *
 * @since 0.2
 */
package io.jetconnect.spi.delivery;
