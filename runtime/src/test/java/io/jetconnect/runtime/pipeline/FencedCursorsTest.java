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
        /** What the next read answers instead of the entry: a replica that lags behind. */
        Entry stale;
        long revision = 100;
        final List<String> history = new ArrayList<>();

        @Override
        public Optional<Entry> get(String key) {
            before.run();
            Entry read = stale != null ? stale : entry;
            stale = null;
            return Optional.ofNullable(read);
        }

        @Override
        public OptionalLong create(String key, String value) {
            before.run();
            return entry != null ? OptionalLong.empty() : write(value);
        }

        /** Whether the next update's answer is lost after it was written. */
        boolean loseAnswer;

        @Override
        public OptionalLong update(String key, String value, long expected) {
            before.run();
            OptionalLong written = entry == null || entry.revision() != expected ? OptionalLong.empty() : write(value);
            if (loseAnswer) {
                loseAnswer = false;
                throw new RetriableException("timed out waiting for the answer");
            }
            return written;
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
        /** Whether a renewal now would succeed: no later hold of the lease in this life of the fleet bucket. */
        boolean confirms;

        @Override
        public boolean confirm() {
            return believes && confirms;
        }

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

    /** A source on one worker: its session of the worker's cursors. */
    private record Source(FencedCursors cursors, long session) {
        static Source on(FencedCursors cursors) {
            return new Source(cursors, cursors.begin());
        }

        OptionalLong load() {
            return cursors.load(KEY, session);
        }

        void store(long position) {
            cursors.store(KEY, position, session);
        }
    }

    private static Source holder(FakeBucket bucket, long token) {
        return Source.on(new FencedCursors(bucket, "copy", lease(token)));
    }

    private static FakeLease lease(long token) {
        FakeLease lease = new FakeLease();
        lease.token = token;
        lease.believes = true;
        return lease;
    }

    @Test
    void aStaleReadOfItsOwnTokenIsCheckedByTheClaim() {
        FakeBucket bucket = new FakeBucket();
        Source a = holder(bucket, 10);
        assertEquals(OptionalLong.empty(), a.load());
        a.store(400);
        FencedCursors.Bucket.Entry old = bucket.entry;
        a.store(500);
        // The source restarted under the same hold (a pause and resume); a replica that lags answers the read.
        Source again = holder(bucket, 10);
        bucket.stale = old;
        assertEquals(OptionalLong.of(500), again.load(), "a lagging read is never resumed from");
        again.store(510);
        assertEquals("510@10", bucket.entry.value());
    }

    @Test
    void aCursorFromAnEarlierFleetBucketIsClaimedOnceTheHoldIsConfirmed() {
        FakeBucket bucket = new FakeBucket();
        bucket.write("700@9000"); // written under a token of the fleet bucket before it was re-created
        FakeLease lease = lease(12);
        Source a = Source.on(new FencedCursors(bucket, "copy", lease));
        assertThrows(RetriableException.class, () -> a.load(), "a later hold may have claimed it: refused");
        assertEquals("700@9000", bucket.entry.value());
        lease.confirms = true;
        assertEquals(OptionalLong.of(700), a.load(), "no later hold of this bucket's lease: an earlier bucket's");
        assertEquals("700@12", bucket.entry.value());
        a.store(710);
        assertEquals("710@12", bucket.entry.value());
    }

    @Test
    void aKeyDeletedOrRewrittenByHandWhileTheSourceRunsIsNotWrittenOver() {
        FakeBucket bucket = new FakeBucket();
        int[] reclaims = new int[1];
        FencedCursors a = new FencedCursors(bucket, "copy", lease(10), () -> reclaims[0]++);
        long source = storedAt400(a);
        bucket.entry = null; // nats kv del
        assertThrows(RetriableException.class, () -> a.store(KEY, 410, source), "a claimed key is never created");
        assertEquals(null, bucket.entry);
        bucket.write("0"); // nats kv put copy.EVENTS 0
        assertThrows(RetriableException.class, () -> a.store(KEY, 420, source), "nor a lower token written over");
        assertEquals("0", bucket.entry.value());
        assertEquals(1, reclaims[0], "the source is asked once to start again");
        Source restarted = holder(bucket, 10);
        assertEquals(OptionalLong.of(0), restarted.load(), "the restarted source resumes from the reset");
        restarted.store(1);
        assertEquals("1@10", bucket.entry.value());
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
        Source a = holder(bucket, 10);
        assertEquals(OptionalLong.of(500), a.load());
        assertEquals("500@10", bucket.entry.value(), "a plain value is claimed without moving it");
        a.store(510);
        Source b = holder(bucket, 20);
        assertEquals(OptionalLong.of(510), b.load());
        RetriableException e = assertThrows(RetriableException.class, () -> a.store(520));
        assertTrue(e.getMessage().contains("another worker holds the lease of pipeline copy"), e.getMessage());
        assertThrows(RetriableException.class, () -> a.load(), "nor can it claim the key back");
        b.store(515);
        assertEquals(List.of("500", "500@10", "510@10", "510@20", "515@20"), bucket.history);
    }

    @Test
    void aKeyClaimedBeforeAnyPositionHoldsTheTokenAlone() {
        FakeBucket bucket = new FakeBucket();
        Source a = holder(bucket, 10);
        assertEquals(OptionalLong.empty(), a.load());
        assertEquals("@10", bucket.entry.value());
        Source b = holder(bucket, 20);
        assertEquals(OptionalLong.empty(), b.load());
        assertThrows(RetriableException.class, () -> a.store(1));
        b.store(3);
        assertEquals("3@20", bucket.entry.value());
    }

    /** @return the session of a source that claimed the empty key and stored 400 */
    private static long storedAt400(FencedCursors cursors) {
        long session = cursors.begin();
        assertEquals(OptionalLong.empty(), cursors.load(KEY, session));
        cursors.store(KEY, 400, session);
        return session;
    }

    @Test
    void aResetThroughTheAdminApiWithTheSourcePausedIsWritten() {
        FakeBucket bucket = new FakeBucket();
        FencedCursors a = new FencedCursors(bucket, "copy", lease(10));
        storedAt400(a);
        a.begin(); // paused: the source's session ended
        a.reset(KEY, 50);
        assertEquals("50@10", bucket.entry.value());
        bucket.write("7"); // a plain value, as an earlier build writes it
        a.reset(KEY, 60);
        assertEquals("60@10", bucket.entry.value(), "a key not claimed since the pause is claimed by the reset");
        long resumed = a.begin();
        assertEquals(OptionalLong.of(60), a.load(KEY, resumed));
    }

    /**
     * The admin API saw the pipeline paused, then a resume started a source that claimed the key, then the reset
     * landed under the same hold's token: the source's next store must not take the reset for its own lost write.
     */
    @Test
    void aResetThatLandsAfterAResumeIsNotWrittenOverByTheResumedSource() {
        FakeBucket bucket = new FakeBucket();
        int[] reclaims = new int[1];
        FencedCursors a = new FencedCursors(bucket, "copy", lease(10), () -> reclaims[0]++);
        storedAt400(a);
        a.begin(); // paused
        long resumed = a.begin();
        assertEquals(OptionalLong.of(400), a.load(KEY, resumed));
        a.reset(KEY, 50);
        RetriableException e = assertThrows(RetriableException.class, () -> a.store(KEY, 410, resumed));
        assertTrue(e.getMessage().contains("set to 50@10 by another writer"), e.getMessage());
        assertEquals("50@10", bucket.entry.value());
        assertEquals(1, reclaims[0], "the source starts again, and reads the reset");
    }

    @Test
    void aStoreWhoseAnswerWasLostIsKnownByItsValueAndWrittenOver() {
        FakeBucket bucket = new FakeBucket();
        int[] reclaims = new int[1];
        FencedCursors a = new FencedCursors(bucket, "copy", lease(10), () -> reclaims[0]++);
        long source = storedAt400(a);
        bucket.loseAnswer = true;
        assertThrows(RetriableException.class, () -> a.store(KEY, 410, source));
        assertEquals("410@10", bucket.entry.value(), "it landed");
        a.store(KEY, 420, source);
        assertEquals("420@10", bucket.entry.value());
        a.store(KEY, 430, source);
        assertEquals(List.of("@10", "400@10", "410@10", "420@10", "430@10"), bucket.history);
        assertEquals(0, reclaims[0]);
    }

    @Test
    void aResetOverACursorOfAnEarlierFleetBucketIsWrittenOnceTheHoldIsConfirmed() {
        FakeBucket bucket = new FakeBucket();
        bucket.write("700@9000");
        FakeLease lease = lease(12);
        FencedCursors a = new FencedCursors(bucket, "copy", lease);
        a.begin(); // paused
        assertThrows(RetriableException.class, () -> a.reset(KEY, 5), "a later hold may have claimed it");
        lease.confirms = true;
        a.reset(KEY, 5);
        assertEquals("5@12", bucket.entry.value());
    }

    @Test
    void aSourceStoppedAndReplacedUnderTheSameHoldCannotWrite() {
        FakeBucket bucket = new FakeBucket();
        FencedCursors a = new FencedCursors(bucket, "copy", lease(10));
        long first = storedAt400(a);
        long second = a.begin(); // stopped and started again (a pause and resume): same hold, same token
        assertEquals(OptionalLong.of(400), a.load(KEY, second));
        RetriableException e = assertThrows(RetriableException.class, () -> a.store(KEY, 390, first),
                "the first source's thread, outliving its stop");
        assertTrue(e.getMessage().contains("its source was stopped"), e.getMessage());
        a.store(KEY, 410, second);
        assertEquals("410@10", bucket.entry.value());
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
            long session;
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
                w.session = w.cursors.begin();
                OptionalLong loaded = w.cursors.load(KEY, w.session);
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
                w.cursors.store(KEY, next, w.session);
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
