package io.jetconnect.plugins.jetstream;

import java.time.Duration;

/**
 * The waits between probes of an open circuit: {@code initial * 2^attempt}, capped at {@code max}. {@link #next()}
 * hands out the current wait and moves to the next attempt; {@link #reset()} goes back to attempt zero, as the first
 * success does. Not thread-safe: its owner ({@link CircuitBreaker}) guards it.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private int attempt;

    /**
     * @param initial the first wait; positive
     * @param max the longest wait; at least {@code initial}
     */
    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** @return the wait for the given attempt (0-based), without overflow */
    long delayNanos(int attempt) {
        if (attempt >= 62 || initialNanos > (maxNanos >> Math.min(attempt, 62))) {
            return maxNanos;
        }
        return Math.min(initialNanos << attempt, maxNanos);
    }

    /** @return the wait for the current attempt; the attempt then moves on by one */
    long next() {
        long delay = delayNanos(attempt);
        if (attempt < Integer.MAX_VALUE) {
            attempt++;
        }
        return delay;
    }

    /** @return the number of waits handed out since the last reset */
    int attempt() {
        return attempt;
    }

    /** Starts again from the initial wait. */
    void reset() {
        attempt = 0;
    }
}
