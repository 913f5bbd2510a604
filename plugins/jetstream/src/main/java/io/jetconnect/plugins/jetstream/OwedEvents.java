package io.jetconnect.plugins.jetstream;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The events the sink accepted, then failed without storing them (the circuit gave up on them, or its probe
 * failed), oldest first, by event id: until they are offered again, in that order, nothing newer may be stored, or
 * it would overtake them. Pure logic over a caller's clock; guarded by the {@link Publisher}'s lock.
 *
 * <ul>
 *   <li>{@link #mayAccept} lets through only the oldest owed event; any other is to be refused (retriably), so
 *       a producer that emits a newer event before it has seen the failure (a source reading ahead, say) gets a
 *       refusal instead of a stored event, and the circuit's probe is always the oldest unstored event.</li>
 *   <li>The producer is taken to have been told, and to have given the owed events up (to a quarantine, a
 *       tolerance, a client that stopped retrying), when the oldest is not offered for {@code patience}
 *       (the circuit's longest wait, {@code backoff.max}): the record is then dropped and newer events flow.</li>
 * </ul>
 */
final class OwedEvents {

    private final ArrayDeque<String> ids = new ArrayDeque<>();
    private final long patienceNanos;
    private long lastOfferNanos;

    OwedEvents(long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /** @return whether nothing is owed */
    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** @return the oldest owed event's id, or null */
    String oldest() {
        return ids.peekFirst();
    }

    /** @return how many events are owed */
    int size() {
        return ids.size();
    }

    /**
     * Records events failed without being stored; they are older than every event still owed.
     *
     * @param failed their ids, oldest first
     */
    void oweFirst(List<String> failed, long nowNanos) {
        for (int i = failed.size() - 1; i >= 0; i--) {
            ids.addFirst(failed.get(i));
        }
        if (!failed.isEmpty()) {
            lastOfferNanos = nowNanos;
        }
    }

    /**
     * An event is offered: it may be accepted if nothing is owed or it is the oldest owed event. Offering the
     * oldest owed event restarts the patience even when the circuit then refuses it.
     *
     * @return whether it may be accepted (the caller then calls {@link #accepted})
     */
    boolean mayAccept(String id, long nowNanos) {
        String oldest = ids.peekFirst();
        if (oldest == null) {
            return true;
        }
        if (oldest.equals(id)) {
            lastOfferNanos = nowNanos;
            return true;
        }
        if (nowNanos - lastOfferNanos >= patienceNanos) {
            ids.clear(); // told long enough ago: the producer gave them up
            return true;
        }
        return false;
    }

    /** The event offered was accepted into the window: if it was the oldest owed one, it is no longer owed. */
    void accepted(String id) {
        String oldest = ids.peekFirst();
        if (oldest != null && oldest.equals(id)) {
            ids.pollFirst();
        }
    }

    void clear() {
        ids.clear();
    }
}
