/**
 * The jetconnect plugin contract.
 *
 * <p>A plugin is a PF4J plugin whose extensions implement one of three extension points:
 * <ul>
 *   <li>{@link io.jetconnect.spi.EventSink}: a terminal sink, the last element of a pipeline's chain;</li>
 *   <li>{@link io.jetconnect.spi.SinkDecorator}: wraps the next sink of the chain (redact, sign, dlq);</li>
 *   <li>{@link io.jetconnect.spi.EventSource}: feeds events into the head of the chain.</li>
 * </ul>
 * Every extension class carries {@link org.pf4j.Extension} and {@link io.jetconnect.spi.TypeName}; its
 * defaults live in the plugin's own {@code reference.conf} under a top-level key equal to the type name,
 * and the runtime validates each pipeline's block against them before anything starts.
 *
 * <p>The event model is the CloudEvents SDK's immutable {@link io.cloudevents.CloudEvent}; a decorator that
 * changes an event builds a new one with {@code CloudEventBuilder.from(event)}.
 *
 * <p>Errors: plugins throw or complete exceptionally with {@link io.jetconnect.spi.JetconnectException}
 * (permanent) or {@link io.jetconnect.spi.RetriableException} (try again later). The runtime and its
 * decorators alone decide about retries, spilling and tolerance.
 *
 * <p>Compatibility: this package only grows. New methods arrive as {@code default} methods tagged
 * {@code @since}; no signature changes.
 */
package io.jetconnect.spi;
