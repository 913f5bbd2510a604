package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events this layer refused with backpressure (the log full or failing, or an older event of their key owed)
 * and whose producers have not offered them again, per ordering key ({@link io.jetconnect.spi.EventSink#orderKey}:
 * the subject, behind a {@code jetstream} sink), oldest first. While a key owes events, only its oldest owed event
 * (its head) may be taken; every other event of the key is refused, and owed too. So no event is stored before an
 * older one of its key that was refused and not yet sent again, whichever producer sends what: the events of one
 * request are emitted back to back, room freed by the drainer just after a refusal must not go to the refused
 * event's successor, and one producer sending its refused event again must not open the key to another producer's
 * newer events while that producer's older ones are still refused. Events of a key that owes nothing flow, whatever
 * another key owes.
 *
 * <ul>
 *   <li>Every event taken gets a ticket ({@link #ticket}, {@link #admit}), in the order it was taken; owed events
 *       are ordered by theirs. An event refused after it was taken (no room, its write failed, it waited behind
 *       in-flight events) keeps the ticket it was taken with; an event refused on arrival gets a new one. A head
 *       taken again keeps its old ticket.</li>
 *   <li>{@link #behindHead}: a record taken before its key's head was refused and handed to the writer after that
 *       may be newer than the head: the writer refuses it too.</li>
 *   <li>A head whose producer has not offered it for {@code patience} ({@code owed-patience}) is taken as given up
 *       (a client that stopped retrying) and dropped; the next owed event heads the key. Offering an owed event,
 *       taken or not, restarts its patience.</li>
 * </ul>
 *
 * Replaces a time window (refuse everything for {@code retry-after} after a refusal) that let the rest of a request
 * through once the window had passed while the request was still being emitted, slowly, under load. The emit path
 * takes a ticket and reads {@link #isEmpty} while nothing is owed. Thread-safe; calls nothing while it holds its
 * monitor.
 */
final class RefusedEvents {

    private static final class Owed {
        final String identity;
        final long ticket;
        long lastOfferNanos;

        Owed(String identity, long ticket, long nowNanos) {
            this.identity = identity;
            this.ticket = ticket;
            this.lastOfferNanos = nowNanos;
        }
    }

    /** One key's owed events, by ticket and by identity. */
    private static final class Key {
        final TreeMap<Long, Owed> byTicket = new TreeMap<>();
        final Map<String, Owed> byIdentity = new HashMap<>();

        void add(Owed owed) {
            byTicket.put(owed.ticket, owed);
            byIdentity.put(owed.identity, owed);
        }

        void remove(Owed owed) {
            byTicket.remove(owed.ticket);
            byIdentity.remove(owed.identity);
        }

        boolean isEmpty() {
            return byTicket.isEmpty();
        }
    }

    private final Map<String, Key> keys = new HashMap<>();
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

    /** @return whether no key owes anything: the emit path's only check then ({@link #ticket} else {@link #admit}) */
    boolean isEmpty() {
        return empty;
    }

    /**
     * An event arrives. It may be taken when its key owes nothing (it gets a new ticket) or when it is the key's
     * head (it is no longer owed, and keeps the ticket it is owed with, so that a refusal of it after all puts it
     * back at the head). Otherwise it is refused, and owed.
     *
     * @return its ticket when it may be taken, else -1
     */
    synchronized long admit(String key, String identity, long nowNanos) {
        sweep(nowNanos);
        Key k = keys.get(key);
        if (k != null) {
            dropGivenUpHeads(k, nowNanos);
            if (k.isEmpty()) {
                remove(key);
                k = null;
            }
        }
        if (k == null) {
            return ticket();
        }
        Owed owed = k.byIdentity.get(identity);
        if (owed == null) {
            k.add(new Owed(identity, ticket(), nowNanos));
            return -1;
        }
        owed.lastOfferNanos = nowNanos;
        if (owed != k.byTicket.firstEntry().getValue()) {
            return -1;
        }
        k.remove(owed);
        if (k.isEmpty()) {
            remove(key);
        }
        return owed.ticket;
    }

    /** An event taken with {@code ticket} was refused later: its key owes it, in the order it was taken. */
    synchronized void refusedAfterTaken(String key, String identity, long ticket, long nowNanos) {
        Key k = keys.computeIfAbsent(key, x -> new Key());
        Owed owed = k.byIdentity.get(identity);
        if (owed != null) {
            if (owed.ticket <= ticket) {
                owed.lastOfferNanos = nowNanos;
                empty = false;
                return;
            }
            k.remove(owed);
        }
        k.add(new Owed(identity, ticket, nowNanos));
        empty = false;
    }

    /** @return whether the key's head is older than an event taken with {@code ticket} */
    synchronized boolean behindHead(String key, long ticket) {
        Key k = keys.get(key);
        return k != null && !k.isEmpty() && k.byTicket.firstKey() < ticket;
    }

    /** @return how many events the key owes */
    synchronized int owed(String key) {
        Key k = keys.get(key);
        return k == null ? 0 : k.byTicket.size();
    }

    /** @return whether the key owes an event */
    synchronized boolean owes(String key) {
        return owed(key) > 0;
    }

    private void dropGivenUpHeads(Key k, long nowNanos) {
        while (!k.isEmpty()) {
            Owed head = k.byTicket.firstEntry().getValue();
            if (nowNanos - head.lastOfferNanos < patienceNanos) {
                return;
            }
            k.remove(head);
        }
    }

    private void remove(String key) {
        keys.remove(key);
        empty = keys.isEmpty();
    }

    /** Drops what producers left for the patience, so that the emit path gets its shortcut back. */
    private void sweep(long nowNanos) {
        if (nowNanos - lastSweepNanos < patienceNanos / 4) {
            return;
        }
        lastSweepNanos = nowNanos;
        for (Iterator<Key> it = keys.values().iterator(); it.hasNext(); ) {
            Key k = it.next();
            dropGivenUpHeads(k, nowNanos);
            if (k.isEmpty()) {
                it.remove();
            }
        }
        empty = keys.isEmpty();
    }
}
