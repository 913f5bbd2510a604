package io.jetconnect.runtime.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(3);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        timer.shutdownNow();
    }

    private SerialExecutor serial(String role) {
        return new SerialExecutor(threads, timer, "p", role);
    }

    /** Several executors on three threads, fed from several producers: each runs its tasks alone and in order. */
    @Test
    void eachExecutorRunsItsTasksOneAtATimeInSubmissionOrder() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int executors = 2 + random.nextInt(6);
        int tasks = 2_000;
        List<SerialExecutor> serials = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        List<AtomicBoolean> busy = new ArrayList<>();
        AtomicInteger overlaps = new AtomicInteger();
        for (int i = 0; i < executors; i++) {
            serials.add(serial("r" + i));
            seen.add(java.util.Collections.synchronizedList(new ArrayList<>()));
            busy.add(new AtomicBoolean());
        }
        CountDownLatch done = new CountDownLatch(executors * tasks);
        // One producer per executor keeps a submission order to check against.
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < executors; i++) {
            int e = i;
            long producerSeed = random.nextLong();
            producers.add(new Thread(() -> {
                Random r = new Random(producerSeed);
                for (int n = 0; n < tasks; n++) {
                    int number = n;
                    boolean spin = r.nextInt(50) == 0;
                    serials.get(e).execute(() -> {
                        if (!busy.get(e).compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        if (spin) {
                            Thread.onSpinWait();
                            Thread.yield();
                        }
                        seen.get(e).add(number);
                        busy.get(e).set(false);
                        done.countDown();
                    });
                }
            }));
        }
        producers.forEach(Thread::start);
        assertTrue(done.await(30, TimeUnit.SECONDS), "seed " + seed);
        assertEquals(0, overlaps.get(), "seed " + seed);
        for (int i = 0; i < executors; i++) {
            List<Integer> order = seen.get(i);
            for (int n = 0; n < tasks; n++) {
                assertEquals(n, order.get(n), "executor " + i + ", seed " + seed);
            }
        }
    }

    @Test
    void delayedAndPeriodicTasksRunOnTheExecutorAndStopWhenCancelled() throws Exception {
        SerialExecutor serial = serial("timers");
        CountDownLatch once = new CountDownLatch(1);
        serial.schedule(once::countDown, 20, TimeUnit.MILLISECONDS);
        assertTrue(once.await(5, TimeUnit.SECONDS));
        AtomicInteger ticks = new AtomicInteger();
        ScheduledFuture<?> periodic = serial.scheduleWithFixedDelay(ticks::incrementAndGet, 1, 1,
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 5);
        periodic.cancel(false);
        int after = ticks.get();
        CountDownLatch flushed = new CountDownLatch(1);
        serial.schedule(flushed::countDown, 30, TimeUnit.MILLISECONDS);
        assertTrue(flushed.await(5, TimeUnit.SECONDS));
        assertTrue(ticks.get() <= after + 1, "a cancelled periodic task ran on"); // at most the one already queued
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheExecutor() throws Exception {
        SerialExecutor serial = serial("throws");
        serial.execute(() -> {
            throw new IllegalStateException("expected by the test");
        });
        CountDownLatch next = new CountDownLatch(1);
        serial.execute(next::countDown);
        assertTrue(next.await(5, TimeUnit.SECONDS));
    }

    /** shutdownNow interrupts its own running task, and the next task on that shared thread is not interrupted. */
    @Test
    void shutdownNowInterruptsOnlyItsOwnTask() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor mine = new SerialExecutor(one, timer, "p", "mine");
            SerialExecutor other = new SerialExecutor(one, timer, "p", "other");
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            mine.execute(() -> {
                running.countDown();
                try {
                    // Blocks until shutdownNow interrupts it: nothing counts this latch down.
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            });
            mine.execute(() -> {
                throw new AssertionError("dropped by shutdownNow");
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            AtomicBoolean otherInterrupted = new AtomicBoolean(true);
            CountDownLatch otherRan = new CountDownLatch(1);
            other.execute(() -> {
                otherInterrupted.set(Thread.currentThread().isInterrupted());
                otherRan.countDown();
            });
            assertEquals(1, mine.shutdownNow().size());
            assertTrue(interrupted.await(5, TimeUnit.SECONDS));
            assertTrue(otherRan.await(5, TimeUnit.SECONDS));
            assertFalse(otherInterrupted.get());
            assertTrue(mine.awaitTermination(5, TimeUnit.SECONDS));
            assertThrows(RejectedExecutionException.class, () -> mine.execute(() -> { }));
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void shutdownDropsDelayedTasks() throws Exception {
        SerialExecutor serial = serial("delayed");
        AtomicBoolean ran = new AtomicBoolean();
        ScheduledFuture<?> later = serial.schedule(() -> ran.set(true), 50, TimeUnit.MILLISECONDS);
        serial.shutdown();
        assertTrue(later.isCancelled());
        assertTrue(serial.awaitTermination(5, TimeUnit.SECONDS));
        CountDownLatch past = new CountDownLatch(1);
        timer.schedule(past::countDown, 100, TimeUnit.MILLISECONDS);
        assertTrue(past.await(5, TimeUnit.SECONDS));
        assertFalse(ran.get());
    }
}
