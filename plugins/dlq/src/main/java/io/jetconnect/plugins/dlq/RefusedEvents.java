package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oldest event this layer refused (the log full or failing) and whose producer has not offered it again, per
 * ordering key ({@link io.jetconnect.spi.EventSink#orderKey}: the subject, behind a {@code jetstream} sink). Until
 * it is offered again, no other event of its key is taken, or a newer one could be stored before it: the events of
 * one request are emitted back to back, and room freed by the drainer just after a refusal must not go to the
 * refused event's successor. Once it is offered again its key is free: its producer sends the rest in its own order
 * after it. Events of a key with nothing refused flow, whatever another key owes.
 *
 * <ul>
 *   <li>Every event taken gets a ticket ({@link #ticket}), in the order it was taken. An event refused after it
 *       was taken (its write failed, it waited behind in-flight events and found no room) becomes its key's head
 *       unless the head is older (a smaller ticket); an event refused on arrival becomes the head of a key with
 *       none.</li>
 *   <li>{@link #behindHead}: a record taken before its key's head was refused and handed to the writer after that
 *       may be newer than the head: the writer refuses it too.</li>
 *   <li>A key's producer is taken to have given its refused event up (a client that stopped retrying) when it is
 *       not offered for {@code patience} ({@code owed-patience}); the key is then free.</li>
 * </ul>
 *
 * Replaces a time window (refuse everything for {@code retry-after} after a refusal) that let the rest of a request
 * through once the window had passed while the request was still being emitted, slowly, under load. The emit path
 * takes a ticket and reads {@link #isEmpty} while nothing is owed. Thread-safe.
 */
final class RefusedEvents {

    private static final class Head {
        final String identity;
        final long ticket;
        long lastOfferNanos;

        Head(String identity, long ticket, long nowNanos) {
            this.identity = identity;
            this.ticket = ticket;
            this.lastOfferNanos = nowNanos;
        }
    }

    private final Map<String, Head> heads = new HashMap<>();
    private final AtomicLong tickets = new AtomicLong();
    private final long patienceNanos;
    private volatile boolean empty = true;
    private long lastSweepNanos = System.nanoTime();

    RefusedEvents(long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /** @return the identity of an event as its stream deduplicates it: source and id */
    static String identity(CloudEvent event) {
        return event.getSource() + " " + event.getId();
    }

    /** @return the next ticket, for an event being taken now */
    long ticket() {
        return tickets.incrementAndGet();
    }

    /** @return whether no key owes anything: the emit path's only check then */
    boolean isEmpty() {
        return empty;
    }

    /**
     * @return whether an event arriving may be taken: its key owes nothing, or it is the key's head (which frees
     *     the key: the producer sends again from there, in its order)
     */
    synchronized boolean mayAccept(String key, String identity, long nowNanos) {
        sweep(nowNanos);
        Head head = heads.get(key);
        if (head == null) {
            return true;
        }
        if (head.identity.equals(identity) || nowNanos - head.lastOfferNanos >= patienceNanos) {
            remove(key);
            return true;
        }
        return false;
    }

    /** An event arriving was refused (no room): it heads its key unless the key has a head. */
    synchronized void refusedOnArrival(String key, String identity, long nowNanos) {
        if (!heads.containsKey(key)) {
            heads.put(key, new Head(identity, ticket(), nowNanos));
            empty = false;
        }
    }

    /** An event taken with {@code ticket} was refused later: it heads its key unless an older event does. */
    synchronized void refusedAfterTaken(String key, String identity, long ticket, long nowNanos) {
        Head head = heads.get(key);
        if (head == null || ticket < head.ticket) {
            heads.put(key, new Head(identity, ticket, nowNanos));
            empty = false;
        }
    }

    /** @return whether the key's head is older than an event taken with {@code ticket} */
    synchronized boolean behindHead(String key, long ticket) {
        Head head = heads.get(key);
        return head != null && head.ticket < ticket;
    }

    /** @return whether the key has a refused event not offered again */
    synchronized boolean owes(String key) {
        return heads.containsKey(key);
    }

    private void remove(String key) {
        heads.remove(key);
        empty = heads.isEmpty();
    }

    /** Drops the keys whose producers left them for the patience, so that the emit path gets its shortcut back. */
    private void sweep(long nowNanos) {
        if (nowNanos - lastSweepNanos < patienceNanos) {
            return;
        }
        lastSweepNanos = nowNanos;
        for (Iterator<Head> it = heads.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastOfferNanos >= patienceNanos) {
                it.remove();
            }
        }
        empty = heads.isEmpty();
    }
}
