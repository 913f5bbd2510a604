package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void doublesFromTheInitialWait() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(180));
        long[] expected = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(i, backoff.attempt());
            assertEquals(ms(expected[i]), backoff.next(), "attempt " + i);
        }
    }

    @Test
    void capsAtTheMaximumForever() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(180));
        for (int i = 0; i < 11; i++) {
            backoff.next();
        }
        // 100 ms * 2^11 = 204.8 s > 180 s
        assertEquals(Duration.ofSeconds(180).toNanos(), backoff.next());
        for (int i = 0; i < 200; i++) {
            assertEquals(Duration.ofSeconds(180).toNanos(), backoff.next(), "no overflow at attempt " + (12 + i));
        }
        assertEquals(Duration.ofSeconds(180).toNanos(), backoff.delayNanos(Integer.MAX_VALUE));
    }

    @Test
    void resetStartsAgainFromTheInitialWait() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(180));
        backoff.next();
        backoff.next();
        backoff.next();
        backoff.reset();
        assertEquals(0, backoff.attempt());
        assertEquals(ms(100), backoff.next());
        assertEquals(ms(200), backoff.next());
    }

    @Test
    void maxEqualToInitialNeverGrows() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertEquals(ms(1000), backoff.next());
        assertEquals(ms(1000), backoff.next());
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
