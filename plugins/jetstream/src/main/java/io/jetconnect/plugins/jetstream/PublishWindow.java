package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.delivery.OrderedWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The sink's events in emit order, on the shared {@link OrderedWindow}: the sink's one copy of ordered completion.
 *
 * <p>An accepted event is {@linkplain #submit submitted} (it joins the ordered window and is sent at once) or, while
 * the window is {@linkplain #fenced() fenced} by a failure, {@linkplain #hold held} behind it unsent. Answers settle
 * events from jnats' threads ({@link #succeeded}, {@link #failed}); the floor passes events from the oldest on as
 * they succeed, freeing room. After a failure, once every event sent is settled (nothing in flight), a
 * {@linkplain #rewind() rewind} lowers the fence and submits again every event past the floor, those that
 * succeeded after the failed one as already settled, so that only failed events are sent again, oldest first; the
 * held events follow once the failed ones are stored ({@link #release()}).
 *
 * <p>Room counts submitted and held events together against {@code max-in-flight}. A late answer to an earlier
 * send never reaches the window: {@link Pending}'s state moves once per send, and only that move settles it. All
 * methods but {@link #succeeded} and {@link #failed} are the owner's: called with the {@link Publisher}'s lock held.
 */
final class PublishWindow {

    private final OrderedWindow order;
    private final int capacity;
    /** Submitted events past the floor, oldest first: what {@link OrderedWindow#advance()} counts off. */
    private final ArrayDeque<Pending> submitted = new ArrayDeque<>();
    /** Accepted while fenced, in emit order, not submitted yet. */
    private final ArrayDeque<Pending> held = new ArrayDeque<>();
    /**
     * The subjects and {@code Nats-Msg-Id}s of the events the stream stored that the floor passed last, a ring. Only the two strings, so that the events themselves are not kept.
     */
    private final String[] passedSubjects;
    private final String[] passedIds;
    private long passedCount;
    /** The position of the next submitted event: the window counts events, it has no other order. */
    private long position;

    PublishWindow(int capacity) {
        this.capacity = capacity;
        this.order = new OrderedWindow(capacity, 0);
        this.passedSubjects = new String[RECENT];
        this.passedIds = new String[RECENT];
    }

    /**
     * How many passed events are remembered, a power of two: a producer's usual read-ahead, at a few tens of KiB
     * per busy sink. A producer that sends again from further back waits out {@code owed-patience} instead.
     */
    private static final int RECENT = 256;

    /** @return whether one more event may be accepted */
    boolean hasRoom() {
        advance();
        return submitted.size() + held.size() < capacity;
    }

    /** Passes the floor over events settled from the oldest on, and forgets them. */
    private void advance() {
        for (int moved = order.advance(); moved > 0; moved--) {
            remember(submitted.pollFirst());
        }
    }

    /**
     * @return whether the stream stored this event lately: it is in the window, or the floor passed it lately, and
     *     was answered. A producer that sends again from a floor behind an owed event offers such events again;
     *     accepting them overtakes nothing, the stream ignores them as duplicates. Looked up only for an event its
     *     subject's owed events would refuse, so never on the common path.
     */
    boolean storedLately(String subject, String messageId) {
        long n = Math.min(passedCount, RECENT);
        for (long i = passedCount - n; i < passedCount; i++) {
            int at = (int) i & (RECENT - 1);
            if (messageId.equals(passedIds[at]) && subject.equals(passedSubjects[at])) {
                return true;
            }
        }
        for (Pending p : submitted) {
            if (p.kind() == Pending.DONE && p.stored && p.subject.equals(subject) && p.messageId().equals(messageId)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers an event the floor passes, if the stream stored it (not one refused for good). */
    private void remember(Pending p) {
        if (!p.stored) {
            return;
        }
        int at = (int) passedCount++ & (RECENT - 1);
        passedSubjects[at] = p.subject;
        passedIds[at] = p.messageId();
    }

    /** @return whether a failure fences the window: accepted events are to be {@linkplain #hold held} */
    boolean fenced() {
        return order.fenced();
    }

    /** Adds an event to the ordered window; the caller sends it. Not while fenced. */
    void submit(Pending p) {
        p.ticket = order.submit(++position);
        submitted.addLast(p);
    }

    /** Keeps an event accepted while fenced, to be sent after the failed ones are stored. */
    void hold(Pending p) {
        held.addLast(p);
    }

    /** The event is finished with: stored, or refused for good. Any thread, after its state moved to done. */
    void succeeded(Pending p) {
        order.succeed(p.ticket);
    }

    /** The event is to be sent again: fences the window. Any thread, after its state moved to failed. */
    void failed(Pending p) {
        order.fail(p.ticket);
    }

    /**
     * Lowers the fence once every event sent is settled, and submits again every event past the floor: the failed
     * ones, and those not sent since the last rewind, to be sent again (their kind becomes {@link Pending#UNSENT},
     * their attempts kept); the ones stored after them as settled already.
     *
     * @throws IllegalStateException if an event is still in flight
     */
    void rewind() {
        advance(); // first: OrderedWindow.rewind() advances too, and would not say over what
        for (Pending p : submitted) {
            if (p.kind() == Pending.UNSENT) {
                order.fail(p.ticket); // never sent: as good as failed, and it must be settled to rewind
            }
        }
        int forgotten = order.rewind();
        if (forgotten != submitted.size()) {
            throw new IllegalStateException("the window forgot " + forgotten + " events but holds "
                    + submitted.size());
        }
        for (Pending p : submitted) {
            p.ticket = order.submit(++position);
            int s = p.state();
            if (Pending.kindOf(s) == Pending.DONE) {
                order.succeed(p.ticket);
            } else {
                p.state(Pending.withKind(s, Pending.UNSENT));
            }
        }
        advance();
    }

    /** @return the submitted events past the floor, oldest first, for the caller to walk; not to be changed */
    Iterable<Pending> submitted() {
        return submitted;
    }

    /** @return the oldest submitted event not finished with, or null */
    Pending oldestUnsettled() {
        advance();
        for (Pending p : submitted) {
            if (p.kind() != Pending.DONE) {
                return p;
            }
        }
        return null;
    }

    /** Submits the held events, in order, for the caller to send: the failed ones are all stored. Not fenced. */
    List<Pending> release() {
        List<Pending> released = new ArrayList<>(held.size());
        Pending p;
        while ((p = held.pollFirst()) != null) {
            submit(p);
            released.add(p);
        }
        return released;
    }

    /**
     * Forgets every event and lowers the fence: the circuit gave up on them, or the sink closed. Only when no
     * event can still be settled by an answer (its state already moved to done, or nothing is in flight).
     *
     * @return the events not finished with, submitted then held, oldest first: the caller fails them
     */
    List<Pending> clear() {
        List<Pending> left = unsettled();
        for (Pending p : submitted) {
            if (p.kind() == Pending.DONE) {
                remember(p); // answered before the window was told: nothing is in flight when it is cleared
            }
        }
        submitted.clear();
        held.clear();
        order.reset(position);
        return left;
    }

    /** @return the events not finished with, submitted then held, oldest first */
    List<Pending> unsettled() {
        List<Pending> left = new ArrayList<>();
        for (Pending p : submitted) {
            if (p.kind() != Pending.DONE) {
                left.add(p);
            }
        }
        left.addAll(held);
        return left;
    }

    /** @return events accepted and not passed by the floor, submitted or held */
    int size() {
        return submitted.size() + held.size();
    }

    @Override
    public String toString() {
        return "PublishWindow[" + order + ", " + held.size() + " held]";
    }
}
