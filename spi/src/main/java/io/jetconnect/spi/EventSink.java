package io.jetconnect.spi;

import io.cloudevents.CloudEvent;
import java.util.concurrent.CompletionStage;
import org.pf4j.ExtensionPoint;

/**
 * An asynchronous sink of CloudEvents: a terminal sink (an extension of this type, such as {@code jetstream})
 * or a layer returned by a {@link SinkDecorator}.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The runtime creates one instance per pipeline that uses it (public no-argument constructor).</li>
 *   <li>{@link #open(SinkContext)} is called once, before any event, for terminal sinks. A sink that cannot
 *       work with its configuration throws {@link ConfigurationException}; the pipeline then fails to start.</li>
 *   <li>{@link #emit(CloudEvent)} is called any number of times.</li>
 *   <li>{@link #close()} is called once, after the source has stopped and every emitted event has completed
 *       (or the shutdown grace period has passed). No {@code emit} follows it.</li>
 * </ol>
 *
 * <h2>Threading</h2>
 * {@code emit} may be called concurrently from several threads and must not block on I/O: it returns a stage
 * that completes later. Events emitted one after another by the same thread are <em>ordered</em>: a sink must
 * make them durable in that order for any one subject, across its own retries. Stages may complete on any
 * thread; callers must not run long work in their continuations.
 *
 * <h2>Outcome</h2>
 * The stage completes normally when the event is <em>durably handled</em> (stored by the broker, written and
 * synced to a spill log, or deliberately discarded by a sink whose contract says so). It completes
 * exceptionally with a {@link RetriableException} when trying again later may succeed (broker gone, circuit
 * open, timeout, {@link BackpressureException}), or with any other {@link JetconnectException} when it never
 * will (the event is invalid for this sink). Other throwables are treated as permanent.
 */
public interface EventSink extends ExtensionPoint, AutoCloseable {

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
     * Prepares a terminal sink. Not called on sinks returned by {@link SinkDecorator#decorate}.
     *
     * @param context this sink's context; never null
     */
    default void open(SinkContext context) {
    }

    /**
     * Hands over one event.
     *
     * @param event the event; never null and never mutated by the sink
     * @return a stage that completes when the event is durably handled, or exceptionally as described above;
     *     never null (a sink that fails synchronously returns a failed stage instead of throwing)
     */
    CompletionStage<Void> emit(CloudEvent event);

    /**
     * Names the order an event belongs to: this sink keeps events of one key in emit order, and events of
     * different keys may overtake each other (for the {@code jetstream} sink, the key is the subject the event is
     * stored on). A layer that refuses an event uses it to refuse, until the event is offered again, only the newer
     * events that could be stored before it, and let the others through. Must be cheap, side-effect free and
     * thread-safe. The default puts every event under one key, which is always safe: a refusal then holds back
     * every newer event. A decorator's layer that does not change what the key depends on may return its wrapped
     * sink's key.
     *
     * @param event the event; never null
     * @return the event's ordering key; never null
     * @since 0.2
     */
    default String orderKey(CloudEvent event) {
        return "";
    }

    /**
     * Releases resources. A decorator's layer must not close the sink it wraps: the runtime closes every
     * layer of the chain itself, outermost first.
     */
    @Override
    default void close() {
    }
}
