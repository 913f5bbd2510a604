package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.BackpressureException;
import java.time.Duration;

/**
 * The fail-fast answer while the circuit is open. Thrown at a high rate during an outage, so it carries no stack
 * trace: where it comes from is always the same, and its message says why.
 */
final class CircuitOpenException extends BackpressureException {

    private static final long serialVersionUID = 1L;

    CircuitOpenException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
