package io.jetconnect.plugins.jetstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.JetconnectException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FirstConnectionTest {

    private static final ConnectionEpoch EPOCH = new ConnectionEpoch(1, null, 1024);

    /** Fails with {@code why} the first {@code failures} times, then connects; keeps when each attempt ran. */
    private static FirstConnection.Attempt failing(int failures, String why, List<Long> at) {
        return () -> {
            at.add(System.nanoTime());
            if (at.size() <= failures) {
                throw new IOException(why);
            }
            return EPOCH;
        };
    }

    @Test
    void retriesInTheBackgroundAfterTheBackoffsWaits() {
        List<Long> at = new CopyOnWriteArrayList<>();
        FirstConnection first = new FirstConnection(failing(2, "Connection refused", at),
                Backoff.exponential(Duration.ofMillis(20), Duration.ofSeconds(5)).withMultiplier(3), "p");
        AtomicReference<ConnectionEpoch> connected = new AtomicReference<>();
        AtomicReference<JetconnectException> failed = new AtomicReference<>();
        long start = System.nanoTime();
        first.retryInBackground(Thread::new, connected::set, failed::set);

        await().atMost(Duration.ofSeconds(20)).until(() -> connected.get() != null);
        assertSame(EPOCH, connected.get());
        assertNull(failed.get());
        assertEquals(3, at.size());
        long[] waits = {20, 60, 180};
        long before = start;
        for (int i = 0; i < waits.length; i++) {
            long gap = Duration.ofNanos(at.get(i) - before).toMillis();
            assertTrue(gap >= waits[i], "attempt " + (i + 1) + " came " + gap + " ms after the one before, not "
                    + waits[i] + " ms or more");
            before = at.get(i);
        }
        assertTrue(first.lastFailure().contains("Connection refused"), first.lastFailure());
    }

    @Test
    void refusedCredentialsStopTheRetries() {
        List<Long> at = new CopyOnWriteArrayList<>();
        FirstConnection first = new FirstConnection(failing(100, "Authorization Violation", at),
                Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1)), "p");
        AtomicReference<JetconnectException> failed = new AtomicReference<>();
        first.retryInBackground(Thread::new, epoch -> { }, failed::set);

        await().atMost(Duration.ofSeconds(20)).until(() -> failed.get() != null);
        assertTrue(failed.get().getMessage().contains("Authorization Violation"), failed.get().getMessage());
        assertEquals(1, at.size());
    }
}
