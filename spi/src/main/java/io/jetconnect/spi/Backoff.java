package io.jetconnect.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before the next attempt after a retriable failure: {@code initial * multiplier^attempt}, capped
 * at {@code max}. One vocabulary for every retry loop (the JetStream sink's circuit, the dlq's drain, replay's
 * reconnects), so that an operator sets them all the same way in {@code pipeline.conf}:
 * <pre>{@code
 * backoff { initial = 100ms, max = 30s }   # multiplier = 2 unless given
 * }</pre>
 * and a plugin reads them with {@link ConnectorConfig#getBackoff(String)}, its defaults in its
 * {@code reference.conf}. Immutable and thread-safe; the attempt count is the caller's.
 *
 * @since 0.2
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final long initialNanos;
    private final long maxNanos;

    private Backoff(Duration initial, Duration max, double multiplier) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial wait must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the longest wait (" + max + ") is shorter than the first ("
                    + initial + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("the multiplier must be a finite number of at least 1, not "
                    + multiplier);
        }
        this.multiplier = multiplier;
        this.initialNanos = saturatedNanos(initial);
        this.maxNanos = saturatedNanos(max);
    }

    /**
     * @param initial the first wait; positive
     * @param max the longest wait; not shorter than {@code initial}
     * @return waits that double from {@code initial} up to {@code max}
     * @throws IllegalArgumentException if the waits are not positive or {@code max < initial}
     */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2.0);
    }

    /**
     * @param multiplier how much each wait grows over the one before; at least 1 (1 means a fixed wait)
     * @return a copy with that multiplier
     * @throws IllegalArgumentException if {@code multiplier} is below 1 or not finite
     */
    public Backoff withMultiplier(double multiplier) {
        return new Backoff(initial, max, multiplier);
    }

    /** @return the first wait */
    public Duration initial() {
        return initial;
    }

    /** @return the longest wait */
    public Duration max() {
        return max;
    }

    /** @return how much each wait grows over the one before */
    public double multiplier() {
        return multiplier;
    }

    /**
     * @param attempt how many attempts failed before this wait, less one: 0 for the wait after the first failure;
     *     negative counts as 0
     * @return the wait in nanoseconds, never above {@link #max()}, without overflow
     */
    public long delayNanos(int attempt) {
        if (attempt <= 0) {
            return initialNanos;
        }
        double delay = initialNanos * Math.pow(multiplier, attempt);
        return delay >= maxNanos ? maxNanos : (long) delay;
    }

    /** @return {@link #delayNanos(int)} as a duration */
    public Duration delay(int attempt) {
        return Duration.ofNanos(delayNanos(attempt));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backoff b && initial.equals(b.initial) && max.equals(b.max)
                && Double.compare(multiplier, b.multiplier) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initial, max, multiplier);
    }

    @Override
    public String toString() {
        return "Backoff[initial " + initial + ", max " + max + ", multiplier " + multiplier + "]";
    }
}
