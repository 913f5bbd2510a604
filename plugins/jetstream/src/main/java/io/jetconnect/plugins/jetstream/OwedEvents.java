package io.jetconnect.plugins.jetstream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The events the sink accepted, then failed without storing them (the circuit gave up on them, or its probe
 * failed), per subject, oldest first, by {@code Nats-Msg-Id} (the event's identity as the stream sees it, made of
 * source and id): until they are offered again, in that order, nothing newer of their subject may be stored, or it
 * would overtake them. The promise is per-subject order, so the fence is per subject: events of a subject with
 * nothing owed flow, whatever another subject owes. Pure logic over a caller's clock; guarded by the
 * {@link Publisher}'s lock.
 *
 * <ul>
 *   <li>{@link #mayAccept} lets through, of a subject that owes events, only its oldest owed event; any other of
 *       that subject is to be refused (retriably), so a producer that emits a newer event before it has seen the
 *       failure (a source reading ahead, say) gets a refusal instead of a stored event, and whatever the circuit
 *       stores first of a subject is its oldest unstored event.</li>
 *   <li>A subject's producer is taken to have been told, and to have given its owed events up (to a quarantine, a
 *       tolerance, a client that stopped retrying), when the subject's oldest owed event is not offered for
 *       {@code patience} ({@code owed-patience}): that subject's record is then dropped and its newer events flow.
 *       Time during which the sink refuses every event unseen (the circuit open, a probe under way) does not count:
 *       the producer could not have been heard then ({@link #postpone}).</li>
 * </ul>
 */
final class OwedEvents {

    /** One subject's owed events and the last time its producer was heard offering the oldest. */
    private static final class Subject {
        final ArrayDeque<String> messageIds = new ArrayDeque<>();
        long lastOfferNanos;
    }

    private final Map<String, Subject> subjects = new HashMap<>();
    private final long patienceNanos;

    OwedEvents(long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /** @return whether nothing is owed, of any subject: the emit path's only check then */
    boolean isEmpty() {
        return subjects.isEmpty();
    }

    /** @return the {@code Nats-Msg-Id} of the subject's oldest owed event, or null */
    String oldest(String subject) {
        Subject s = subjects.get(subject);
        return s == null ? null : s.messageIds.peekFirst();
    }

    /** @return how many events of the subject are owed */
    int size(String subject) {
        Subject s = subjects.get(subject);
        return s == null ? 0 : s.messageIds.size();
    }

    /**
     * Records events of one subject failed without being stored; they are older than every event of the subject
     * still owed.
     *
     * @param failed their {@code Nats-Msg-Id}s, oldest first
     */
    void oweFirst(String subject, List<String> failed, long nowNanos) {
        if (failed.isEmpty()) {
            return;
        }
        Subject s = subjects.computeIfAbsent(subject, k -> new Subject());
        for (int i = failed.size() - 1; i >= 0; i--) {
            s.messageIds.addFirst(failed.get(i));
        }
        s.lastOfferNanos = nowNanos;
    }

    /**
     * An event is offered: it may be accepted if its subject owes nothing or it is the subject's oldest owed
     * event. Offering the oldest owed event restarts the subject's patience even when the circuit then refuses it.
     *
     * @return whether it may be accepted (the caller then calls {@link #accepted})
     */
    boolean mayAccept(String subject, String messageId, long nowNanos) {
        Subject s = subjects.get(subject);
        if (s == null) {
            return true;
        }
        if (s.messageIds.peekFirst().equals(messageId)) {
            s.lastOfferNanos = nowNanos;
            return true;
        }
        if (nowNanos - s.lastOfferNanos >= patienceNanos) {
            subjects.remove(subject); // told long enough ago: the producer gave them up
            return true;
        }
        return false;
    }

    /** The event offered was accepted: if it was its subject's oldest owed one, it is no longer owed. */
    void accepted(String subject, String messageId) {
        Subject s = subjects.get(subject);
        if (s != null && s.messageIds.peekFirst().equals(messageId)) {
            s.messageIds.pollFirst();
            if (s.messageIds.isEmpty()) {
                subjects.remove(subject);
            }
        }
    }

    /**
     * The sink refuses every event unseen until {@code untilNanos} (the circuit is open until its next probe, or
     * a probe is under way until now): no subject's patience runs out before {@code patience} after that, since
     * its producer could not be heard meanwhile.
     */
    void postpone(long untilNanos) {
        for (Subject s : subjects.values()) {
            if (untilNanos - s.lastOfferNanos > 0) {
                s.lastOfferNanos = untilNanos;
            }
        }
    }

    /**
     * Drops the subjects whose producer left their owed events for the patience, so that a subject never offered
     * again does not keep the emit path off its {@link #isEmpty} shortcut.
     */
    void expire(long nowNanos) {
        for (Iterator<Subject> it = subjects.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastOfferNanos >= patienceNanos) {
                it.remove();
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("OwedEvents[");
        subjects.forEach((name, s) -> b.append(name).append('=').append(s.messageIds).append("; "));
        return b.append(']').toString();
    }
}
