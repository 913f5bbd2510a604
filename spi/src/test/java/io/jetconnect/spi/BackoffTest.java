package io.jetconnect.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheFirstWaitUpToTheLongest() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(100), b.delay(0));
        assertEquals(Duration.ofMillis(200), b.delay(1));
        assertEquals(Duration.ofMillis(800), b.delay(3));
        assertEquals(Duration.ofSeconds(1), b.delay(4));
        assertEquals(Duration.ofSeconds(1), b.delay(Integer.MAX_VALUE), "no overflow on a long outage");
        assertEquals(Duration.ofMillis(100), b.delay(-3));
    }

    @Test
    void aMultiplierOfOneIsAFixedWait() {
        Backoff b = Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(5)).withMultiplier(1.0);
        assertEquals(Duration.ofMillis(250), b.delay(0));
        assertEquals(Duration.ofMillis(250), b.delay(40));
        Backoff slow = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)).withMultiplier(1.5);
        assertEquals(Duration.ofMillis(225), slow.delay(2));
    }

    @Test
    void aVeryLongLongestWaitSaturatesInsteadOfOverflowing() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, b.delayNanos(200));
    }

    @Test
    void refusesWaitsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThrows(IllegalArgumentException.class, () -> b.withMultiplier(0.5));
        assertThrows(IllegalArgumentException.class, () -> b.withMultiplier(Double.NaN));
    }

    @Test
    void isAValue() {
        Backoff a = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withMultiplier(2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }
}
