package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryPolicyTest {

    private static final List<Duration> WAITS = List.of(Duration.ofMillis(100), Duration.ofMillis(400));
    private final RecoveryPolicy policy = new RecoveryPolicy(3,
            attempt -> WAITS.get(Math.max(0, Math.min(attempt - 1, WAITS.size() - 1))), Duration.ofSeconds(5));

    @Test
    void resumesWhenNothingIsOwed() {
        assertInstanceOf(RecoveryPolicy.Resume.class, policy.afterRound(0, 7));
    }

    @Test
    void waitsLongerAfterEachAttemptThenOpensTheCircuit() {
        assertEquals(new RecoveryPolicy.Retry(Duration.ofMillis(100).toNanos()), policy.afterRound(4, 1));
        assertEquals(new RecoveryPolicy.Retry(Duration.ofMillis(400).toNanos()), policy.afterRound(4, 2));
        assertInstanceOf(RecoveryPolicy.Open.class, policy.afterRound(1, 3));
    }

    @Test
    void aPubAckIsOverdueOnlyAfterTheAckTimeoutOnTheCallersClock() {
        long sent = Long.MAX_VALUE - Duration.ofSeconds(2).toNanos(); // the clock wraps: differences still count
        assertFalse(policy.overdue(sent, sent + Duration.ofSeconds(5).toNanos()));
        assertTrue(policy.overdue(sent, sent + Duration.ofSeconds(5).toNanos() + 1));
    }

    @Test
    void looksForOverduePubAcksFourTimesPerTimeoutWithinBounds() {
        assertEquals(Duration.ofMillis(100).toNanos(), withTimeout(Duration.ofMillis(400)).watchdogPeriodNanos());
        assertEquals(Duration.ofSeconds(1).toNanos(), withTimeout(Duration.ofSeconds(5)).watchdogPeriodNanos());
        assertEquals(Duration.ofMillis(10).toNanos(), withTimeout(Duration.ofMillis(20)).watchdogPeriodNanos());
    }

    private static RecoveryPolicy withTimeout(Duration ackTimeout) {
        return new RecoveryPolicy(1, attempt -> Duration.ZERO, ackTimeout);
    }
}
