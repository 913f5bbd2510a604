package io.jetconnect.spi;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * A layer that hands each event, changed or not, to the sink it wraps, without changing what that sink's
 * {@linkplain EventSink#orderKey ordering key} depends on: a signature, a count, a gate. The key is the wrapped
 * sink's, so that a layer further out refuses per subject as the terminal sink orders. A layer that may change
 * the key's inputs (an event's tenant, say) implements {@link EventSink} itself and keeps the default.
 *
 * <p>{@link #close} is {@link EventSink#close}'s: it leaves the wrapped sink open, which the runtime closes itself.
 * Subclasses implement {@link #emit} and keep the {@link EventSink} contract (thread safety, stages never null).
 *
 * @since 0.2
 */
public abstract class ForwardingSink implements EventSink {

    private final EventSink next;

    /** @param next the sink this layer hands events to; not null */
    protected ForwardingSink(EventSink next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    /** @return the sink this layer hands events to */
    protected final EventSink next() {
        return next;
    }

    /** @return the wrapped sink's key: this layer changes nothing it depends on */
    @Override
    public String orderKey(CloudEvent event) {
        return next.orderKey(event);
    }
}
