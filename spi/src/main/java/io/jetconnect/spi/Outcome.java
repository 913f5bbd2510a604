package io.jetconnect.spi;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a settled stage means, read the one way the SPI defines it: no failure means the event was taken; a
 * {@link BackpressureException} means the chain is full or its circuit open now; any other
 * {@link RetriableException} may go away if the event is offered again; anything else is permanent. The wrappers
 * that {@link java.util.concurrent.CompletableFuture} adds ({@link CompletionException},
 * {@link ExecutionException}) are looked through.
 *
 * <pre>{@code
 * sink.emit(event).whenComplete((v, e) -> {
 *     switch (Outcome.of(e)) {
 *         case TAKEN -> window.succeed(ticket);
 *         case BACKPRESSURE, RETRIABLE -> window.fail(ticket);
 *         case PERMANENT -> quarantine(event, Outcome.describe(e));
 *     }
 * });
 * }</pre>
 *
 * @since 0.2
 */
public enum Outcome {

    /** The stage completed normally: the sink took the event. */
    TAKEN,
    /** The chain cannot take events now; offer it again after {@link BackpressureException#retryAfter()}. */
    BACKPRESSURE,
    /** The failure may go away: offer the event again later. */
    RETRIABLE,
    /** The event will never be taken as it is. */
    PERMANENT;

    /**
     * @param error a stage's failure, or null for success
     * @return what it means
     */
    public static Outcome of(Throwable error) {
        if (error == null) {
            return TAKEN;
        }
        Throwable cause = unwrap(error);
        if (cause instanceof BackpressureException) {
            return BACKPRESSURE;
        }
        return cause instanceof RetriableException ? RETRIABLE : PERMANENT;
    }

    /** @return whether an event with this outcome is to be offered again */
    public boolean retriable() {
        return this == BACKPRESSURE || this == RETRIABLE;
    }

    /**
     * @param error a failure, possibly wrapped
     * @return the failure inside the wrappers a stage may add; {@code error} itself when there are none
     */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Describes a failure for a log line or an error body without anything a foreign exception's message might
     * carry (event data, a URL with its password): jetconnect's own exceptions, whose messages are written to be
     * shown, keep their message; any other is named by its class only.
     *
     * @param error a failure, possibly wrapped, or null
     * @return the description
     */
    public static String describe(Throwable error) {
        if (error == null) {
            return "unknown failure";
        }
        Throwable cause = unwrap(error);
        if (cause instanceof JetconnectException) {
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        return cause.getClass().getName();
    }
}
