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

    /**
     * Waits for a batch of {@code batch} with {@code started} events in flight while another thread runs
     * {@code first}, then {@code ending}: the wait must end only once {@code ending} began.
     */
    private void assertWaitEndsOnlyAfter(Runnable first, Runnable ending, long started, int batch, String why)
            throws InterruptedException {
        AtomicBoolean reached = new AtomicBoolean();
        elsewhere(() -> {
            first.run();
            reached.set(true);
            ending.run();
        });

        signal.awaitCompletions(0, started, batch, MINUTE);

        assertTrue(reached.get(), why);
    }

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
        assertWaitEndsOnlyAfter(signal::sendCompleted, signal::sendCompleted, 2, 128,
                "ended before the second completion");
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
        assertWaitEndsOnlyAfter(signal::sendCompleted, signal::wake, 100, 50, "ended before the wake");
    }

    @Test
    void withNothingInFlightOnlyAWakeEndsTheWait() throws Exception {
        assertWaitEndsOnlyAfter(() -> { }, signal::wake, 0, 8, "a wait with nothing in flight ended by itself");
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
