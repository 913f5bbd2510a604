package io.jetconnect.spi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderedWindowTest {

    @Test
    void theFloorStopsAtTheFirstDeliveryNotSucceeded() {
        OrderedWindow window = new OrderedWindow(4, 10);
        long[] tickets = submit(window, 11, 12, 13);
        window.succeed(tickets[1]);
        assertAdvances(window, 0, 10, "11 is not succeeded yet");
        window.succeed(tickets[0]);
        assertAdvances(window, 2, 12, "11 and 12 are done");
        window.succeed(tickets[2]);
        assertAdvances(window, 1, 13, "13 is done");
    }

    /** @return the tickets of {@code positions}, submitted in that order */
    static long[] submit(OrderedWindow window, long... positions) {
        long[] tickets = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            tickets[i] = window.submit(positions[i]);
        }
        return tickets;
    }

    /** Advances the window and checks how far it moved and where its floor now is. */
    static void assertAdvances(OrderedWindow window, int advanced, long floor, String why) {
        assertEquals(advanced, window.advance(), why);
        assertEquals(floor, window.floor(), why);
    }

    @Test
    void aFailureFencesTheWindowUntilARewindAfterQuiescence() {
        OrderedWindow window = new OrderedWindow(4, 0);
        long[] tickets = submit(window, 1, 2, 3);
        long c = tickets[2];
        window.succeed(tickets[0]);
        window.fail(tickets[1]);
        assertTrue(window.fenced());
        assertFalse(window.hasRoom());
        assertThrows(IllegalStateException.class, () -> window.submit(4));
        assertThrows(IllegalStateException.class, window::rewind, "c is still pending");
        assertFalse(window.awaitRoom(TimeUnit.MILLISECONDS.toNanos(5)));
        window.succeed(c);
        assertTrue(window.awaitQuiescent(TimeUnit.SECONDS.toNanos(1)));
        assertEquals(2, window.rewind(), "b and c are to be submitted again");
        assertEquals(1, window.floor());
        assertFalse(window.fenced());
        assertTrue(window.hasRoom());
        long again = window.submit(2);
        window.succeed(again);
        window.advance();
        assertEquals(2, window.floor());
    }

    @Test
    void aFullWindowRefusesUntilTheOldestSucceeds() {
        OrderedWindow window = new OrderedWindow(2, 0);
        long a = window.submit(1);
        window.submit(2);
        assertFalse(window.hasRoom());
        assertThrows(IllegalStateException.class, () -> window.submit(3));
        window.succeed(a);
        assertTrue(window.awaitRoom(TimeUnit.SECONDS.toNanos(1)));
        window.submit(3);
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new OrderedWindow(0, 0));
    }

    /**
     * A producer that follows the window's rules against a target that, like a connection, handles what it is
     * handed in order; stores may fail (and then everything handed after it on that connection fails too) and
     * the settlements reach the window in any order. Like the {@code jetstream} sink, the target owes a failed
     * event: until it is handed that event again it refuses anything newer (without that fence a newer event
     * handed over before the failure reaches the producer would be stored first). Thousands of seeded schedules;
     * per subject, nothing may be stored before an older event of the same subject that is not stored yet, and
     * everything is stored once the target is healthy.
     */
    @Test
    void randomSchedulesNeverStoreAnEventBeforeAnOlderOneOfItsSubject() {
        long base = Long.getLong("orderedWindow.seed", System.nanoTime());
        for (int run = 0; run < 3_000; run++) {
            long seed = base + run;
            try {
                simulate(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (rerun with -DorderedWindow.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static void simulate(Random random) {
        int events = 20 + random.nextInt(60);
        int subjects = 1 + random.nextInt(4);
        int[] subjectOf = new int[events + 1];
        for (int i = 1; i <= events; i++) {
            subjectOf[i] = random.nextInt(subjects);
        }
        OrderedWindow window = new OrderedWindow(1 + random.nextInt(8), 0);
        ArrayDeque<long[]> connection = new ArrayDeque<>(); // {position, ticket} handed to the target, in order
        List<long[]> answers = new ArrayList<>(); // {ticket, ok} settlements not delivered yet
        Map<Integer, Integer> lastStored = new HashMap<>();
        boolean[] stored = new boolean[events + 1];
        long next = 1;
        boolean broken = false;
        long owed = -1; // the oldest event the target failed and has not been handed again
        for (int step = 0; step < 100_000; step++) {
            if (window.floor() == events) {
                break;
            }
            int action = random.nextInt(5);
            if (step > 20_000) {
                broken = false; // the target heals: everything must get through
            }
            if (action == 0 && next <= events && window.hasRoom()) {
                long ticket = window.submit(next);
                connection.add(new long[] {next, ticket});
                next++;
            } else if (action == 1 && !connection.isEmpty()) {
                long[] handed = connection.poll();
                int position = (int) handed[0];
                boolean ok = !broken && random.nextInt(6) != 0 && (owed < 0 || position <= owed);
                if (!ok) {
                    owed = owed < 0 ? position : Math.min(owed, position);
                    // A broken connection: what was handed after it fails as well.
                    answers.add(new long[] {handed[1], 0});
                    while (!connection.isEmpty()) {
                        answers.add(new long[] {connection.poll()[1], 0});
                    }
                } else {
                    int subject = subjectOf[position];
                    if (!stored[position]) {
                        for (int older = 1; older < position; older++) {
                            if (subjectOf[older] == subject && !stored[older]) {
                                fail("event " + position + " stored before older event " + older + " of subject "
                                        + subject);
                            }
                        }
                        stored[position] = true;
                        if (position == owed) {
                            owed = -1;
                        }
                        lastStored.put(subject, position);
                    }
                    answers.add(new long[] {handed[1], 1});
                }
            } else if (action == 2 && !answers.isEmpty()) {
                long[] answer = answers.remove(random.nextInt(answers.size()));
                if (answer[1] == 1) {
                    window.succeed(answer[0]);
                } else {
                    window.fail(answer[0]);
                }
            } else if (action == 3) {
                long before = window.floor();
                window.advance();
                assertTrue(window.floor() >= before, "the floor never goes back");
                for (long p = 1; p <= window.floor(); p++) {
                    assertTrue(stored[(int) p], "the floor passed " + p + ", which is not stored");
                }
            } else if (action == 4) {
                broken = step < 20_000 && random.nextInt(10) == 0;
                if (window.fenced() && window.quiescent()) {
                    window.rewind();
                    next = window.floor() + 1;
                }
            }
        }
        assertEquals(events, window.floor(), "everything is delivered once the target is healthy");
    }

    /**
     * Settles from many threads while the owner advances: the floor is exactly the contiguous prefix. 64 fits one
     * chunk of slots; 1,000 spans four, allocated as tickets first reach them while settlers run.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {64, 1_000})
    void concurrentSettlementsMoveTheFloorOverTheContiguousPrefixOnly(int capacity) throws Exception {
        long seed = Long.getLong("orderedWindow.seed", System.nanoTime());
        Random random = new Random(seed);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            int total = 20_000;
            OrderedWindow window = new OrderedWindow(capacity, 0);
            boolean[] done = new boolean[total + 1];
            CountDownLatch all = new CountDownLatch(total);
            for (int p = 1; p <= total; p++) {
                assertTrue(window.awaitRoom(TimeUnit.SECONDS.toNanos(10)), "seed " + seed);
                long ticket = window.submit(p);
                int position = p;
                int delay = random.nextInt(3);
                pool.execute(() -> {
                    if (delay == 0) {
                        Thread.yield();
                    }
                    done[position] = true;
                    window.succeed(ticket);
                    all.countDown();
                });
                long floor = window.floor();
                for (long q = Math.max(1, floor - capacity); q <= floor; q++) {
                    assertTrue(done[(int) q], "seed " + seed + ": floor " + floor + " passed " + q);
                }
            }
            assertTrue(all.await(30, TimeUnit.SECONDS));
            assertTrue(window.awaitQuiescent(TimeUnit.SECONDS.toNanos(10)));
            assertEquals(total, window.floor(), "seed " + seed);
        } finally {
            pool.shutdownNow();
        }
    }
}
