package io.jetconnect.plugins.jetstream;

import java.time.Duration;
import java.util.function.IntFunction;

/**
 * What the publisher does after a recovery round, and when a PubAck counts as lost: pure decisions over numbers
 * and a caller's clock, so that they are tested without a broker or a thread.
 *
 * <p>A round ends when nothing is in flight. Then, of the events still to be sent again: none means publishing
 * {@linkplain Resume resumes}; an event tried {@code retry.attempts} times {@linkplain Open opens} the circuit;
 * otherwise the oldest is sent again, alone, after the wait {@code retry.waits} gives for the most attempts made
 * ({@linkplain Retry retry}).
 */
final class RecoveryPolicy {

    /** The next step after a round. */
    sealed interface Step permits Resume, Retry, Open {
    }

    /** Nothing is owed: send the held events and run. */
    record Resume() implements Step {
    }

    /** Send the oldest owed event again, alone, after {@code waitNanos}. */
    record Retry(long waitNanos) implements Step {
    }

    /** Retries are exhausted: open the circuit and fail everything held, in order. */
    record Open() implements Step {
    }

    private static final Resume RESUME = new Resume();
    private static final Open OPEN = new Open();

    private final int retryAttempts;
    private final IntFunction<Duration> waitAfter;
    private final long ackTimeoutNanos;

    /**
     * @param retryAttempts how many times one event is sent before the circuit opens; at least 1
     * @param waitAfter the wait after the given number of attempts
     * @param ackTimeout how long a PubAck may take before its connection counts as broken
     */
    RecoveryPolicy(int retryAttempts, IntFunction<Duration> waitAfter, Duration ackTimeout) {
        this.retryAttempts = retryAttempts;
        this.waitAfter = waitAfter;
        this.ackTimeoutNanos = ackTimeout.toNanos();
    }

    static RecoveryPolicy of(SinkSettings settings) {
        return new RecoveryPolicy(settings.retryAttempts(), settings::waitAfter, settings.ackTimeout());
    }

    /**
     * @param owed events to be sent again, in the window
     * @param mostAttempts the most times any of them was tried
     * @return the next step
     */
    Step afterRound(int owed, int mostAttempts) {
        if (owed == 0) {
            return RESUME;
        }
        if (mostAttempts >= retryAttempts) {
            return OPEN;
        }
        return new Retry(waitAfter.apply(mostAttempts).toNanos());
    }

    /** @return whether the PubAck of an event sent at {@code sentNanos} is overdue at {@code nowNanos} */
    boolean overdue(long sentNanos, long nowNanos) {
        return nowNanos - sentNanos > ackTimeoutNanos;
    }

    /** @return how often to look for overdue PubAcks: a quarter of the timeout, within 10 ms and 1 s */
    long watchdogPeriodNanos() {
        return Math.max(10_000_000L, Math.min(1_000_000_000L, ackTimeoutNanos / 4));
    }

    /** @return how many times an event is sent before the circuit opens */
    int retryAttempts() {
        return retryAttempts;
    }
}
