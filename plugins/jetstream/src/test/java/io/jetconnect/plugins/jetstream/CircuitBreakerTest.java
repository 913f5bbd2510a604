package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.plugins.jetstream.CircuitBreaker.Permit;
import io.jetconnect.spi.Backoff;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CircuitBreaker breaker = new CircuitBreaker(
            Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(180)), now::get);

    private void advance(long millis) {
        now.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void startsConnectedAndLetsEverythingPass() {
        assertInstanceOf(CircuitBreaker.Connected.class, breaker.state());
        assertFalse(breaker.isOpen());
        assertEquals(Permit.PASS, breaker.tryAcquire());
        assertEquals(Permit.PASS, breaker.tryAcquire());
        assertEquals(0, breaker.attempt());
        assertEquals(0L, breaker.waitNanos());
    }

    @Test
    void failureOpensWithTheInitialWait() {
        breaker.onFailure();
        CircuitBreaker.Reconnecting state = assertInstanceOf(CircuitBreaker.Reconnecting.class, breaker.state());
        assertEquals(0, state.attempt());
        assertEquals(now.get() + ms(100), state.nextAfterNanos());
        assertTrue(breaker.isOpen());
        assertEquals(ms(100), breaker.waitNanos());
        assertEquals(ms(100), breaker.remainingNanos());
    }

    @Test
    void refusesUntilNextAfterThenLetsExactlyOneProbeThrough() {
        breaker.onFailure();
        assertEquals(Permit.REJECT, breaker.tryAcquire());
        assertFalse(breaker.mayPass());
        advance(99);
        assertEquals(Permit.REJECT, breaker.tryAcquire());
        advance(1);
        assertTrue(breaker.mayPass());
        assertEquals(0L, breaker.remainingNanos());
        assertEquals(Permit.PROBE, breaker.tryAcquire());
        assertEquals(Permit.REJECT, breaker.tryAcquire(), "only one probe at a time");
        assertFalse(breaker.mayPass());
        advance(10_000);
        assertEquals(Permit.REJECT, breaker.tryAcquire(), "still one probe, however long it takes");
    }

    @Test
    void failedProbesDoubleTheWaitUpToTheCap() {
        breaker.onFailure();
        long[] waits = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400, 180000, 180000};
        for (int attempt = 0; attempt < waits.length; attempt++) {
            CircuitBreaker.Reconnecting state = (CircuitBreaker.Reconnecting) breaker.state();
            assertEquals(attempt, state.attempt());
            assertEquals(ms(waits[attempt]), state.waitNanos(), "attempt " + attempt);
            assertEquals(now.get() + ms(waits[attempt]), state.nextAfterNanos());
            advance(waits[attempt]);
            assertEquals(Permit.PROBE, breaker.tryAcquire());
            breaker.onFailure();
        }
    }

    @Test
    void successClosesAndResetsTheBackoff() {
        breaker.onFailure();
        advance(100);
        breaker.tryAcquire();
        breaker.onFailure();
        advance(200);
        breaker.tryAcquire();
        breaker.onFailure();
        assertEquals(2, breaker.attempt());
        advance(400);
        assertEquals(Permit.PROBE, breaker.tryAcquire());
        breaker.onSuccess();
        assertInstanceOf(CircuitBreaker.Connected.class, breaker.state());
        assertEquals(Permit.PASS, breaker.tryAcquire());
        assertEquals(0, breaker.attempt());
        breaker.onFailure();
        assertEquals(ms(100), breaker.waitNanos(), "the next outage starts from the initial wait again");
        assertEquals(0, breaker.attempt());
    }

    @Test
    void waitsGrowByTheConfiguredMultiplier() {
        CircuitBreaker tripling = new CircuitBreaker(
                Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(500)).withMultiplier(3), now::get);
        long[] waits = {10, 30, 90, 270, 500, 500};
        tripling.onFailure();
        for (int attempt = 0; attempt < waits.length; attempt++) {
            assertEquals(attempt, tripling.attempt());
            assertEquals(ms(waits[attempt]), tripling.waitNanos(), "attempt " + attempt);
            advance(waits[attempt]);
            assertEquals(Permit.PROBE, tripling.tryAcquire());
            tripling.onFailure();
        }
    }

    @Test
    void oneBackoffServesTwoBreakersWithTheirOwnCounts() {
        Backoff shared = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(180));
        CircuitBreaker a = new CircuitBreaker(shared, now::get);
        CircuitBreaker b = new CircuitBreaker(shared, now::get);
        a.onFailure();
        advance(100);
        a.tryAcquire();
        a.onFailure();
        b.onFailure();
        assertEquals(ms(200), a.waitNanos());
        assertEquals(ms(100), b.waitNanos(), "the value holds no attempt count");
    }

    @Test
    void survivesClockWrapAround() {
        now.set(Long.MAX_VALUE - ms(50));
        breaker.onFailure();
        assertEquals(Permit.REJECT, breaker.tryAcquire());
        advance(100); // wraps past Long.MAX_VALUE, as System.nanoTime may
        assertEquals(Permit.PROBE, breaker.tryAcquire());
    }
}
