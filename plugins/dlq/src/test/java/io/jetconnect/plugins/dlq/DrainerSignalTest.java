package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The drainer's waits: each one ends on what it waits for and not before, whichever thread gets there first. The
 * waits are given a minute, so that a wake-up that never comes fails the test instead of ending the wait.
 */
class DrainerSignalTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final DrainerSignal signal = new DrainerSignal();

    /** Runs {@code steps} on another thread, as the sink's thread would. */
    private static CompletableFuture<Void> elsewhere(Runnable steps) {
        return CompletableFuture.runAsync(steps);
    }

    @Test
    void aBatchWaitEndsWithTheCompletionThatCompletesTheBatch() throws Exception {
        AtomicBoolean last = new AtomicBoolean();
        CompletableFuture<Void> sink = elsewhere(() -> {
            for (int i = 0; i < 3; i++) {
                signal.sendCompleted();
            }
            last.set(true);
            signal.sendCompleted();
        });

        signal.awaitCompletions(0, 10, 4, MINUTE);

        assertTrue(last.get(), "ended before the fourth completion");
        sink.get(10, TimeUnit.SECONDS);
        assertEquals(4, signal.completed());
    }

    @Test
    void completionsShortOfTheBatchLeaveTheDrainerAsleep() throws Exception {
        long timeout = TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < 3; i++) {
            signal.sendCompleted();
        }

        // Seven in flight, none completed since the drainer looked: only the timeout ends this wait.
        long start = System.nanoTime();
        signal.awaitCompletions(3, 10, 4, timeout);

        assertTrue(System.nanoTime() - start >= timeout, "woken though no batch had completed");
    }

    @Test
    void fewerInFlightThanTheBatchEndsTheWaitWhenAllHaveCompleted() throws Exception {
        AtomicBoolean last = new AtomicBoolean();
        elsewhere(() -> {
            signal.sendCompleted();
            last.set(true);
            signal.sendCompleted();
        });

        signal.awaitCompletions(0, 2, 128, MINUTE);

        assertTrue(last.get(), "ended before the second completion");
    }

    @Test
    void completionsSinceTheDrainerLastLookedCount() throws Exception {
        long seen = signal.completed();
        signal.sendCompleted();
        signal.sendCompleted();

        long start = System.nanoTime();
        signal.awaitCompletions(seen, 5, 2, MINUTE);

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "waited for completions already in");
    }

    @Test
    void aWakeEndsABatchWait() throws Exception {
        AtomicBoolean woken = new AtomicBoolean();
        elsewhere(() -> {
            signal.sendCompleted();
            woken.set(true);
            signal.wake();
        });

        signal.awaitCompletions(0, 100, 50, MINUTE);

        assertTrue(woken.get());
    }

    @Test
    void withNothingInFlightOnlyAWakeEndsTheWait() throws Exception {
        AtomicBoolean woken = new AtomicBoolean();
        elsewhere(() -> {
            woken.set(true);
            signal.wake();
        });

        signal.awaitCompletions(0, 0, 8, MINUTE);

        assertTrue(woken.get(), "a wait with nothing in flight ended by itself");
    }

    @Test
    void theDrainActionCutsABackoffShortAndSaysSo() throws Exception {
        elsewhere(signal::drainNow);

        assertTrue(signal.sleep(MINUTE, () -> false));
        assertFalse(signal.sleep(1, () -> false), "the request was used up");
    }

    @Test
    void stoppingCutsABackoffShort() throws Exception {
        AtomicBoolean stopping = new AtomicBoolean();
        elsewhere(() -> {
            stopping.set(true);
            signal.wake();
        });

        assertFalse(signal.sleep(MINUTE, stopping::get));
        assertTrue(stopping.get());
    }
}
