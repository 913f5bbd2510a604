package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeaseTest {

    private static final Duration TTL = Duration.ofSeconds(15);
    private static final String KEY = "leases.copy";

    /** One clock for the workers and the server, as NTP would keep them; moved by the test only. */
    private static final class FakeClock implements Lease.Clock {
        long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public Instant now() {
            return Instant.ofEpochSecond(1_000_000, 0).plusNanos(nanos);
        }
    }

    /** A key-value store with its revision history, like a JetStream bucket holding one key. */
    private static final class FakeKv {
        final FakeClock clock;
        final List<LeaseStore.Entry> history = new ArrayList<>();
        long revision;

        FakeKv(FakeClock clock) {
            this.clock = clock;
        }

        Optional<LeaseStore.Entry> last() {
            return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        }

        OptionalLong write(String value, long expected) {
            long current = last().map(LeaseStore.Entry::revision).orElse(0L);
            if (current != expected) {
                return OptionalLong.empty();
            }
            revision += 1 + (revision % 3); // bucket-wide: other keys take revisions between this key's
            history.add(new LeaseStore.Entry(value, revision, clock.now()));
            return OptionalLong.of(revision);
        }
    }

    /** One worker's view of the store: cut off while partitioned, or with its answers lost. */
    private static final class Link implements LeaseStore {
        final FakeKv kv;
        boolean partitioned;
        boolean losesAnswers;

        Link(FakeKv kv) {
            this.kv = kv;
        }

        private void reach() {
            if (partitioned) {
                throw new io.jetconnect.spi.RetriableException("partitioned");
            }
        }

        private OptionalLong answer(OptionalLong written) {
            if (losesAnswers) {
                throw new io.jetconnect.spi.RetriableException("answer lost");
            }
            return written;
        }

        @Override
        public Optional<Entry> get(String key) {
            reach();
            return kv.last();
        }

        @Override
        public OptionalLong create(String key, String value) {
            reach();
            return answer(kv.last().isPresent() ? OptionalLong.empty() : kv.write(value, 0));
        }

        @Override
        public OptionalLong update(String key, String value, long expected) {
            reach();
            return answer(kv.write(value, expected));
        }
    }

    /** One fake bucket and clock, and the workers' leases on it. */
    private static final class Bed {
        final FakeClock clock = new FakeClock();
        final FakeKv kv = new FakeKv(clock);

        Lease lease(String worker, Link link) {
            return new Lease(KEY, worker, TTL, link, clock);
        }

        Lease lease(String worker) {
            return lease(worker, new Link(kv));
        }

        /** Worker a's link to the store. */
        final Link toA = new Link(kv);

        /** @return worker a's lease over {@link #toA}, having taken the free key */
        Lease holder() {
            Lease a = lease("a", toA);
            assertTrue(a.tick());
            return a;
        }

        void advance(long nanos) {
            clock.nanos += nanos;
        }
    }

    @Test
    void aFreeLeaseGoesToTheFirstIsRenewedAndPassesOnWhenReleased() {
        Bed bed = new Bed();
        Lease a = bed.lease("a");
        Lease b = bed.lease("b");
        assertTrue(a.tick());
        assertFalse(b.tick());
        for (int i = 0; i < 10; i++) {
            bed.clock.nanos += TTL.toNanos() / 3;
            assertTrue(a.tick());
            assertFalse(b.tick());
        }
        assertEquals(OptionalLong.of(1), a.term());
        assertTrue(a.verify());
        a.release();
        assertFalse(a.holds());
        assertTrue(b.tick(), "a released lease is taken at once, not after the ttl");
        assertEquals(OptionalLong.of(2), b.term());
    }

    @Test
    void aPartitionedHolderStopsBeforeAnotherTakesOverWithTheNextTerm() {
        Bed bed = new Bed();
        Lease a = bed.holder();
        Lease b = bed.lease("b");
        bed.toA.partitioned = true;
        bed.advance(TTL.toNanos() - 1);
        assertTrue(a.holds());
        assertFalse(b.tick());
        bed.advance(1);
        assertFalse(a.holds());
        assertFalse(a.verify());
        assertFalse(b.tick(), "the key is exactly ttl old: not yet");
        bed.advance(1);
        assertTrue(b.tick());
        assertEquals(OptionalLong.of(2), b.term());
        bed.toA.partitioned = false;
        assertFalse(a.tick());
        assertFalse(a.verify());
    }

    @Test
    void theTokenIsTheRevisionThatTookTheKeyKeptByRenewalsAndGreaterForEveryLaterHold() {
        Bed bed = new Bed();
        Lease a = bed.holder();
        long first = bed.kv.last().orElseThrow().revision();
        assertEquals(first, a.token());
        for (int i = 0; i < 3; i++) {
            bed.advance(TTL.toNanos() / 3);
            assertTrue(a.tick());
            assertEquals(first, a.token(), "a renewal keeps the token");
        }
        assertTrue(bed.kv.last().orElseThrow().revision() > first);
        bed.toA.partitioned = true;
        bed.advance(TTL.toNanos());
        assertEquals(0, a.token(), "no token once the hold ran out");
        bed.advance(TTL.toNanos());
        bed.toA.partitioned = false;
        assertTrue(a.tick(), "the same worker takes the stale key again");
        assertTrue(a.token() > first, "a new hold, a greater token: " + a.token());
        assertEquals(bed.kv.last().orElseThrow().revision(), a.token());
        Lease b = bed.lease("b");
        a.release();
        assertEquals(0, a.token());
        assertTrue(b.tick());
        assertEquals(bed.kv.last().orElseThrow().revision(), b.token());
    }

    /** What tells a cursor of an earlier fleet bucket from a later hold's: only a renewal the server took. */
    @Test
    void aHoldIsConfirmedOnlyByARenewalWrittenOnItsOwnLastRevision() {
        Bed bed = new Bed();
        Lease a = bed.holder();
        long token = a.token();
        long before = bed.kv.last().orElseThrow().revision();
        assertTrue(a.confirm(token));
        assertTrue(bed.kv.last().orElseThrow().revision() > before, "confirmed by a write");
        assertFalse(a.confirm(token + 1), "not under another hold's token");
        bed.toA.partitioned = true;
        assertFalse(a.confirm(token), "a renewal that cannot be sent confirms nothing");
        assertTrue(a.holds(), "though the hold runs on to its deadline");
        bed.toA.partitioned = false;
        long last = bed.kv.last().orElseThrow().revision();
        assertTrue(bed.kv.write(Lease.value("b", 2), last).isPresent(), "another worker wrote the key");
        assertFalse(a.confirm(token));
        assertFalse(a.holds(), "a refused renewal ends the hold");
    }

    @Test
    void aHolderWhoseRenewalsFailStopsFencedWritesWithAThirdOfTheTtlToGo() {
        Bed bed = new Bed();
        Lease a = bed.holder();
        bed.toA.losesAnswers = true;
        bed.advance(TTL.toNanos() * 2 / 3 - 1);
        assertTrue(a.tick(), "the renewal's answer is lost: still held until the deadline");
        bed.toA.losesAnswers = false;
        assertTrue(a.verify());
        bed.advance(1);
        assertTrue(a.holds());
        assertFalse(a.verify(), "a write sent now might land after the hold ran out");
    }

    /**
     * Seeded schedules of three workers ticking every ttl/3 with jitter and stalls, partitions and lost answers:
     * never two holders at once, a holder is always the one the store's last write names, every write that passed
     * the fence was made under the current term, terms grow by one at each change of holder, and the lease is
     * never left unheld for long while every worker reaches the store.
     */
    @Test
    void seededSchedulesNeverHaveTwoHolders() {
        for (long seed = 1; seed <= 200; seed++) {
            runSchedule(seed);
        }
    }

    private static void runSchedule(long seed) {
        Random random = new Random(seed);
        FakeClock clock = new FakeClock();
        FakeKv kv = new FakeKv(clock);
        int n = 3;
        Link[] links = new Link[n];
        Lease[] leases = new Lease[n];
        long[] nextTick = new long[n];
        for (int i = 0; i < n; i++) {
            links[i] = new Link(kv);
            leases[i] = new Lease(KEY, "w" + i, TTL, links[i], clock);
            nextTick[i] = random.nextInt(1000) * 1_000_000L;
        }
        long third = TTL.toNanos() / 3;
        long end = Duration.ofMinutes(30).toNanos();
        long unheldSince = 0;
        long longestUnheldWhileReachable = 0;
        long lastToken = 0;
        long lastTerm = 0;
        while (clock.nanos < end) {
            int w = 0;
            for (int i = 1; i < n; i++) {
                if (nextTick[i] < nextTick[w]) {
                    w = i;
                }
            }
            clock.nanos = nextTick[w];
            int dice = random.nextInt(100);
            if (dice < 4) {
                links[w].partitioned = !links[w].partitioned;
            } else if (dice < 7) {
                links[w].losesAnswers = !links[w].losesAnswers;
            }
            leases[w].tick();
            if (random.nextInt(4) == 0) {
                fencedWrite(seed, leases, w, kv);
            }
            // A stall (GC, a loaded machine) now and then, else the next renewal on time with some jitter.
            nextTick[w] = clock.nanos + (random.nextInt(20) == 0 ? third * (2 + random.nextInt(3))
                    : third - random.nextInt(500) * 1_000_000L);
            int holders = 0;
            for (int i = 0; i < n; i++) {
                if (leases[i].holds()) {
                    holders++;
                    Lease.Holder named = Lease.parse(kv.last().orElseThrow().value());
                    assertEquals(new Lease.Holder("w" + i, leases[i].term().orElseThrow()), named,
                            "seed " + seed + ": a holder the store does not name");
                    long token = leases[i].token();
                    long term = named.term();
                    assertTrue(term == lastTerm ? token == lastToken : token > lastToken,
                            "seed " + seed + ": token " + token + " under term " + term + " after " + lastToken);
                    lastToken = token;
                    lastTerm = term;
                }
            }
            assertTrue(holders <= 1, "seed " + seed + ": " + holders + " holders at " + clock.nanos);
            boolean reachable = true;
            for (Link link : links) {
                reachable &= !link.partitioned && !link.losesAnswers;
            }
            if (holders == 1 || !reachable) {
                unheldSince = clock.nanos;
            } else {
                longestUnheldWhileReachable = Math.max(longestUnheldWhileReachable, clock.nanos - unheldSince);
            }
        }
        assertTermsGrowByOne(seed, kv);
        // Taken over within ttl after the last renewal plus one period of the taker, with its stalls.
        assertTrue(longestUnheldWhileReachable <= TTL.toNanos() + 6 * third,
                "seed " + seed + ": unheld for " + longestUnheldWhileReachable / 1_000_000 + " ms");
    }

    private static void fencedWrite(long seed, Lease[] leases, int w, FakeKv kv) {
        if (leases[w].verify()) {
            Lease.Holder named = Lease.parse(kv.last().orElseThrow().value());
            assertEquals("w" + w, named.worker(), "seed " + seed + ": a fenced write by a former holder");
            assertEquals(leases[w].term().orElseThrow(), named.term());
        }
    }

    private static void assertTermsGrowByOne(long seed, FakeKv kv) {
        Lease.Holder previous = new Lease.Holder("", 0);
        for (LeaseStore.Entry entry : kv.history) {
            Lease.Holder h = Lease.parse(entry.value());
            if (h.term() != previous.term()) {
                assertEquals(previous.term() + 1, h.term(), "seed " + seed + ": a term skipped or reused");
            } else if (!h.worker().isEmpty()) {
                assertEquals(previous.worker(), h.worker(), "seed " + seed + ": two workers under one term");
            }
            previous = h;
        }
    }
}
