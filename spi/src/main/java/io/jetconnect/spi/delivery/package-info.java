/**
 * Building blocks for plugins that deliver events in order while many are in flight.
 *
 * <p>{@link io.jetconnect.spi.delivery.OrderedWindow} is the ordered-completion window meant for every plugin
 * that keeps events in flight and must deliver them in order (the {@code replay} and {@code live-tail} sources keep
 * their cursor in one); a third-party plugin may use it the same way. It is plain Java, with no NATS, Micrometer or
 * configuration types, so it outlives their upgrades.
 *
 * @since 0.2
 */
package io.jetconnect.spi.delivery;
