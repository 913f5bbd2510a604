package io.jetconnect.spi;

import java.time.Duration;

/**
 * The chain cannot take events now (a circuit is open and nothing spills, a spill log is full). Sources pass it
 * on to their producers: the {@code http} source answers {@code 503} with {@code Retry-After}.
 */
public class BackpressureException extends RetriableException {

    private static final long serialVersionUID = 1L;

    /** A hint for when to try again; never null. */
    private final Duration retryAfter;

    /**
     * @param message what is full or closed, without secrets
     * @param retryAfter a hint for when to try again; not null
     */
    public BackpressureException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** @return a hint for when to try again; never null */
    public Duration retryAfter() {
        return retryAfter;
    }
}
