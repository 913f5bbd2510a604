package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jetconnect.spi.RetriableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FencedCursorsTest {

    private static final String KEY = "copy.EVENTS";

    /** A bucket holding one key, with its history; before each operation it lets the schedule run others' steps. */
    private static final class FakeBucket implements FencedCursors.Bucket {
        Runnable before = () -> { };
        Entry entry;
        long revision = 100;
        final List<String> history = new ArrayList<>();

        @Override
        public Optional<Entry> get(String key) {
            before.run();
            return Optional.ofNullable(entry);
        }

        @Override
        public OptionalLong create(String key, String value) {
            before.run();
            return entry != null ? OptionalLong.empty() : write(value);
        }

        @Override
        public OptionalLong update(String key, String value, long expected) {
            before.run();
            return entry == null || entry.revision() != expected ? OptionalLong.empty() : write(value);
        }

        OptionalLong write(String value) {
            revision += 1 + revision % 3; // bucket-wide: other keys take revisions between this key's
            entry = new Entry(value, revision);
            history.add(value);
            return OptionalLong.of(revision);
        }
    }

    /** A lease the test sets: its token, and whether this worker believes it holds (maybe long after it lost it). */
    private static final class FakeLease implements SourceLeases.SourceLease {
        long token;
        boolean believes;

        @Override
        public boolean holds() {
            return believes;
        }

        @Override
        public boolean verify() {
            return believes;
        }

        @Override
        public long token() {
            return believes ? token : 0;
        }

        @Override
        public void close() {
        }
    }

    private static FencedCursors holder(FakeBucket bucket, long token) {
        FakeLease lease = new FakeLease();
        lease.token = token;
        lease.believes = true;
        return new FencedCursors(bucket, "copy", lease);
    }

    @Test
    void valuesKeepTheirTokenAndPlainOnesReadAsTokenZero() {
        assertEquals(new FencedCursors.Value(OptionalLong.of(12345), 0), FencedCursors.Value.parse("12345\n"));
        assertEquals(new FencedCursors.Value(OptionalLong.of(12345), 7), FencedCursors.Value.parse("12345@7"));
        assertEquals(new FencedCursors.Value(OptionalLong.empty(), 7), FencedCursors.Value.parse("@7"));
        assertEquals("12345@7", new FencedCursors.Value(OptionalLong.of(12345), 7).text());
        assertEquals("12345", new FencedCursors.Value(OptionalLong.of(12345), 0).text());
        assertThrows(NumberFormatException.class, () -> FencedCursors.Value.parse("12x@7"));
    }

    @Test
    void aLaterHolderClaimsTheKeyAndTheFormerHoldersStoreIsRefused() {
        FakeBucket bucket = new FakeBucket();
        bucket.write("500");
        FencedCursors a = holder(bucket, 10);
        assertEquals(OptionalLong.of(500), a.load(KEY));
        assertEquals("500@10", bucket.entry.value(), "a plain value is claimed without moving it");
        a.store(KEY, 510);
        FencedCursors b = holder(bucket, 20);
        assertEquals(OptionalLong.of(510), b.load(KEY));
        RetriableException e = assertThrows(RetriableException.class, () -> a.store(KEY, 520));
        assertTrue(e.getMessage().contains("another worker holds the lease of pipeline copy"), e.getMessage());
        assertThrows(RetriableException.class, () -> a.load(KEY), "nor can it claim the key back");
        b.store(KEY, 515);
        assertEquals(List.of("500", "500@10", "510@10", "510@20", "515@20"), bucket.history);
    }

    @Test
    void aKeyClaimedBeforeAnyPositionHoldsTheTokenAlone() {
        FakeBucket bucket = new FakeBucket();
        FencedCursors a = holder(bucket, 10);
        assertEquals(OptionalLong.empty(), a.load(KEY));
        assertEquals("@10", bucket.entry.value());
        FencedCursors b = holder(bucket, 20);
        assertEquals(OptionalLong.empty(), b.load(KEY));
        assertThrows(RetriableException.class, () -> a.store(KEY, 1));
        b.store(KEY, 3);
        assertEquals("3@20", bucket.entry.value());
    }

    /**
     * Two or three holders on one key, each worker told of its lease's loss late or never, their steps interleaved
     * at random inside each other's bucket operations (a holder frozen between its check and its write): no write
     * under a lower token lands after a higher one was written, and the position never goes back.
     */
    @Test
    void randomSchedulesNeverLetALowerTokenWriteAfterAHigherOne() {
        for (long seed = 1; seed <= 400; seed++) {
            try {
                new Schedule(seed).run();
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    /** One seeded run: workers taking the lease, starting and stopping sources, storing advancing positions. */
    private static final class Schedule {
        final Random random;
        final FakeBucket bucket = new FakeBucket();
        final Worker[] workers;
        final Deque<Worker> busy = new ArrayDeque<>();
        long tokens = 10;
        Worker holder;
        int stores;
        int refused;

        /** A worker's lease as it sees it, its cursor store, and its running source's position and claim. */
        final class Worker {
            final FakeLease lease = new FakeLease();
            final FencedCursors cursors = new FencedCursors(bucket, "copy", lease);
            boolean running;
            long claimedWith;
            long position;
        }

        Schedule(long seed) {
            random = new Random(seed);
            workers = new Worker[2 + random.nextInt(2)];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker();
            }
            if (random.nextBoolean()) {
                bucket.write(Long.toString(random.nextInt(1000)));
            }
            bucket.before = this::interpose;
        }

        void run() {
            for (int i = 0; i < 300; i++) {
                step(workers[random.nextInt(workers.length)]);
            }
            check();
        }

        /** A frozen worker: others take steps between its fence check and its write, or between read and write. */
        void interpose() {
            if (busy.size() < 3 && random.nextInt(4) == 0) {
                Worker other = workers[random.nextInt(workers.length)];
                if (!busy.contains(other)) {
                    step(other);
                }
            }
        }

        void step(Worker w) {
            busy.push(w);
            try {
                switch (random.nextInt(6)) {
                    case 0 -> take(w);
                    case 1 -> {
                        // Told of the loss, at last.
                        if (holder != w) {
                            w.lease.believes = false;
                            w.running = false;
                        }
                    }
                    case 2 -> start(w);
                    default -> advance(w);
                }
            } finally {
                busy.pop();
            }
        }

        void take(Worker w) {
            if (holder == w) {
                return;
            }
            tokens += 1 + random.nextInt(3);
            w.lease.token = tokens;
            w.lease.believes = true;
            holder = w;
            if (random.nextBoolean()) {
                // Taken again before the loss was told: the old source runs on, under its old claim.
                w.running = false;
            }
        }

        void start(Worker w) {
            if (w.running || !w.lease.believes) {
                return;
            }
            long token = w.lease.token;
            try {
                OptionalLong loaded = w.cursors.load(KEY);
                w.running = true;
                w.claimedWith = token;
                w.position = loaded.orElse(0);
                check();
            } catch (RetriableException e) {
                // Refused: a later holder claimed the key; this one waits to be told.
            }
        }

        void advance(Worker w) {
            if (!w.running) {
                return;
            }
            long next = w.position + 1 + random.nextInt(5);
            int before = bucket.history.size();
            try {
                w.cursors.store(KEY, next);
                w.position = next;
                stores++;
                String last = bucket.history.get(bucket.history.size() - 1);
                assertTrue(bucket.history.size() > before, "a store returned without a write");
                assertEquals(w.claimedWith, FencedCursors.Value.parse(last).token(), "written under its claim");
            } catch (RetriableException e) {
                // Refused: the source stays before it and is stopped when the worker is told.
                refused++;
            }
            check();
        }

        void check() {
            long token = 0;
            long position = Long.MIN_VALUE;
            for (String value : bucket.history) {
                FencedCursors.Value v = FencedCursors.Value.parse(value);
                assertTrue(v.token() >= token, "a write under token " + v.token() + " landed after one under "
                        + token + ": " + bucket.history);
                token = v.token();
                if (v.position().isPresent()) {
                    assertTrue(v.position().getAsLong() >= position, "the cursor moved back: " + bucket.history);
                    position = v.position().getAsLong();
                }
            }
        }
    }

    @Test
    void schedulesDoStoreAndRefuse() {
        int stores = 0;
        int refused = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Schedule s = new Schedule(seed);
            s.run();
            stores += s.stores;
            refused += s.refused;
        }
        assertTrue(stores > 200 && refused > 20, "the schedules store and refuse: " + stores + ", " + refused);
    }
}
