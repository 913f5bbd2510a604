package io.jetconnect.runtime.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One worker's side of the lease of one run-once pipeline, {@code leases.<pipeline>} in the fleet bucket
 * (docs/scale-out.md, "Leases"). The value names the holder and a term, which grows by one at every change of
 * holder, so a holder is known by its term even after the key moved on.
 *
 * <ul>
 *   <li>Standby: {@link #tick()} reads the key. Absent: {@code create} (term 1). Released (no holder), or last
 *       written, by the server's clock, more than {@code ttl} ago by this worker's clock: {@code update} on the
 *       revision read, with the next term. One worker wins any race: the others' revision is stale.</li>
 *   <li>Holding: {@link #tick()} renews with {@code update} on the revision it last wrote. It holds until {@code ttl}
 *       after it <em>sent</em> its last successful renewal; a renewal refused (another worker took the key) ends the
 *       hold at once, one that fails for want of the server leaves it to run out.</li>
 * </ul>
 *
 * <p>Why no two hold at once: a hold ends {@code ttl} after a write was sent, and the server stored that write
 * later; others take the key only once it is more than {@code ttl} older than the write's server time. That needs
 * the workers' and servers' clocks close (NTP), as the fleet view does.
 *
 * <p>Thread-safe.
 */
final class Lease {

    /** The clocks a lease reads: a monotonic one for its own deadline, a wall clock to age the server's stamps. */
    interface Clock {
        long nanoTime();

        Instant now();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final String key;
    private final String worker;
    private final Duration ttl;
    private final LeaseStore store;
    private final Clock clock;
    private boolean holding;
    private long term;
    private long revision;
    /** The key's revision when this hold began: the fencing token of the cursors written under it. */
    private long acquired;
    private long deadlineNanos;

    Lease(String key, String worker, Duration ttl, LeaseStore store, Clock clock) {
        this.key = key;
        this.worker = worker;
        this.ttl = ttl;
        this.store = store;
        this.clock = clock;
    }

    /** @return whether this worker holds the lease now, by its own clock */
    synchronized boolean holds() {
        return holding && clock.nanoTime() - deadlineNanos < 0;
    }

    /** @return the term of this worker's hold, if it holds */
    synchronized OptionalLong term() {
        return holds() ? OptionalLong.of(term) : OptionalLong.empty();
    }

    /**
     * The fencing token of this worker's hold, which a cursor carries next to its position: the revision of the
     * write that took the key. Renewals keep it; taking the key again, even by the same worker after its hold ran
     * out, gives a greater one (revisions only grow in a bucket), so a later holder's token is always greater.
     *
     * @return the token, or 0 when this worker does not hold the lease
     */
    synchronized long token() {
        return holds() ? acquired : 0;
    }

    /**
     * Renews the lease if this worker holds it, else tries to take it. Never throws: a server that cannot be
     * reached leaves a hold to run out and a standby on standby.
     *
     * @return whether this worker holds the lease after the step
     */
    synchronized boolean tick() {
        if (holds()) {
            renew();
            return holds();
        }
        long sent = clock.nanoTime();
        holding = false;
        try {
            Optional<LeaseStore.Entry> entry = store.get(key);
            OptionalLong written;
            long next;
            if (entry.isEmpty()) {
                next = 1;
                written = store.create(key, value(worker, next));
            } else {
                Holder last = parse(entry.get().value());
                if (!last.worker().isEmpty()
                        && Duration.between(entry.get().writtenAt(), clock.now()).compareTo(ttl) <= 0) {
                    return false;
                }
                next = last.term() + 1;
                written = store.update(key, value(worker, next), entry.get().revision());
            }
            if (written.isPresent()) {
                holding = true;
                term = next;
                revision = written.getAsLong();
                acquired = revision;
                deadlineNanos = sent + ttl.toNanos();
            }
        } catch (RuntimeException e) {
            // Standby stays standby until the server answers.
        }
        return holds();
    }

    /** @return whether the renewal was written (a refused one ends the hold, a failed one leaves it to run out) */
    private boolean renew() {
        long sent = clock.nanoTime();
        try {
            OptionalLong written = store.update(key, value(worker, term), revision);
            if (written.isPresent()) {
                revision = written.getAsLong();
                deadlineNanos = sent + ttl.toNanos();
                return true;
            }
            holding = false;
        } catch (RuntimeException e) {
            // Unreachable, or the answer was lost: the hold runs out at its deadline unless a renewal succeeds.
        }
        return false;
    }

    /**
     * Renews now, for a caller that must know no other hold began since {@code token}'s: the compare-and-set on
     * the revision this worker last wrote succeeds only if nobody wrote the key since.
     *
     * @param token the token of the hold the caller works under
     * @return whether this worker still holds the lease under that token and the renewal was written
     */
    synchronized boolean confirm(long token) {
        return holds() && acquired == token && renew() && holds();
    }

    /**
     * The fencing check of a write made under this lease: this worker holds it by its own clock with at least a
     * third of {@code ttl} to go (a renewal is overdue otherwise, and a write that is slow to arrive must still land
     * before the hold runs out), and the key still names this worker and its term.
     *
     * @return whether a write may go ahead
     */
    synchronized boolean verify() {
        if (!holds() || clock.nanoTime() - (deadlineNanos - ttl.toNanos() / 3) >= 0) {
            return false;
        }
        try {
            Optional<LeaseStore.Entry> entry = store.get(key);
            return entry.isPresent() && parse(entry.get().value()).equals(new Holder(worker, term)) && holds();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Gives the lease up, so that another worker takes it at once rather than after {@code ttl}. */
    synchronized void release() {
        if (!holds()) {
            holding = false;
            return;
        }
        holding = false;
        try {
            store.update(key, value("", term), revision);
        } catch (RuntimeException e) {
            // The others take it over once it runs out.
        }
    }

    /** Who holds a lease, as its value says; an empty worker: released. */
    record Holder(String worker, long term) {
    }

    static String value(String worker, long term) {
        return JSON.createObjectNode().put("worker", worker).put("term", term).toString();
    }

    /** @return the holder a value names; a value that is not a lease (written by hand) counts as released */
    static Holder parse(String value) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(value);
            return new Holder(node.path("worker").asText(""), node.path("term").asLong(0));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            return new Holder("", 0);
        }
    }
}
