package io.jetconnect.spi.delivery;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded window of deliveries that are submitted in order and settled in any order, from any thread, with a
 * contiguous floor, a fence after a failure, and a rewind to re-submit from the floor.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>{@link #submit(long)} records a delivery at the window's head and returns its ticket. Each delivery carries
 *       a caller-chosen {@code position} (a stream sequence, an offset; any long that grows with the order).</li>
 *   <li>{@link #succeed(long)} or {@link #fail(long)} settles a delivery, once, from any thread. {@code succeed}
 *       means "the delivery is finished with" (stored, or refused for good and dealt with by the caller);
 *       {@code fail} means "it must be delivered again" and raises the {@linkplain #fenced() fence}.</li>
 *   <li>{@link #advance()} moves the floor over succeeded deliveries from the oldest on and stops at the first
 *       delivery that is pending or failed: {@link #floor()} is then the position of the last delivery such that
 *       it and every one before it succeeded. A caller that keeps its own queue of items beside the window polls as
 *       many of them as {@code advance} reports.</li>
 *   <li>While {@linkplain #fenced() fenced}, {@link #submit} refuses: nothing newer may follow a failed delivery
 *       until the caller has rewound. The caller waits for {@linkplain #awaitQuiescent quiescence} (every delivery
 *       settled), then calls {@link #rewind()}, which forgets every delivery past the floor, lowers the fence and
 *       returns how many it forgot: they, and only they, are to be submitted again, oldest first.</li>
 * </ul>
 * Because a failure fences the window and a rewind restarts at the oldest delivery not finished with, a caller
 * that follows these rules never hands a delivery to its target after a newer one it has already handed over,
 * unless the older one had succeeded.
 *
 * <h2>Threads</h2>
 * One thread at a time, the owner, calls {@link #submit}, {@link #advance}, {@link #awaitRoom},
 * {@link #awaitQuiescent}, {@link #rewind} and {@link #reset} (a single thread, or callers that serialize them
 * under a lock of their own). {@link #succeed}, {@link #fail}, {@link #fenced()}, {@link #floor()} and
 * {@link #capacity()} may be called from any thread. Settling is one volatile write to the delivery's slot and
 * never blocks; the owner sweeps settled slots, so the hot path takes no lock.
 *
 * <p>Example: a source thread that emits to the chain and keeps a resumable cursor.
 * <pre>{@code
 * OrderedWindow window = new OrderedWindow(maxInFlight, storedCursor);
 * // source thread
 * if (window.fenced()) { window.awaitQuiescent(timeout); window.rewind(); reread(window.floor() + 1); }
 * else if (window.awaitRoom(timeout)) {
 *     long ticket = window.submit(sequence);
 *     chain.emit(event).whenComplete((v, e) -> { if (e == null) window.succeed(ticket); else window.fail(ticket); });
 * }
 * window.advance(); store(window.floor());
 * }</pre>
 *
 * @since 0.2
 */
public final class OrderedWindow {

    private static final int PENDING = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;
    private static final long PARK_SLICE = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Slots come in chunks of this many, allocated when a ticket first needs one: a window sized for a busy sink
     * (4,096) costs 48 KiB, and a runtime of a thousand mostly idle pipelines held 60 MiB of empty windows, enough
     * to keep G1 marking its old generation without pause at {@code -Xmx256m}.
     */
    private static final int CHUNK_BITS = 8;
    private static final int CHUNK_MASK = (1 << CHUNK_BITS) - 1;

    private final int limit;
    private final int mask;
    /** Owner-only, like the tickets whose positions they hold. */
    private final long[][] positions;
    /**
     * Written by the owner only (a chunk is set before the first ticket that lands in it is handed out), read by
     * settlers: atomic so that a settler on another thread sees the chunk of the ticket it was given.
     */
    private final AtomicReferenceArray<AtomicIntegerArray> slots;
    private volatile Thread waiter;
    private volatile long floor;
    private volatile boolean fenced;
    /** Owner-only: the next ticket, and the oldest ticket the floor has not passed. */
    private long head;
    private long tail;

    /**
     * @param capacity the most deliveries the floor may lag behind, at least 1
     * @param floor the position before the first delivery
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public OrderedWindow(int capacity, long floor) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        int ring = Integer.highestOneBit(capacity - 1 == 0 ? 1 : capacity - 1) << 1;
        this.limit = capacity;
        this.mask = ring - 1;
        int chunks = (ring + CHUNK_MASK) >>> CHUNK_BITS;
        this.positions = new long[chunks][];
        this.slots = new AtomicReferenceArray<>(chunks);
        this.floor = floor;
    }

    private AtomicIntegerArray slotsOf(long ticket) {
        return slots.get((int) (ticket & mask) >>> CHUNK_BITS);
    }

    private int inChunk(long ticket) {
        return (int) (ticket & mask) & CHUNK_MASK;
    }

    /** Allocates the chunk of the next ticket if no ticket used it before. Owner only. */
    private void ensureChunk(long ticket) {
        int chunk = (int) (ticket & mask) >>> CHUNK_BITS;
        if (positions[chunk] == null) {
            int size = Math.min(mask + 1, 1 << CHUNK_BITS);
            positions[chunk] = new long[size];
            slots.set(chunk, new AtomicIntegerArray(size));
        }
    }

    /** @return the most deliveries the window holds; any thread */
    public int capacity() {
        return limit;
    }

    /** @return whether {@link #submit} would accept a delivery now: room, and no fence. Owner only. */
    public boolean hasRoom() {
        return !fenced && head - tail < limit;
    }

    /**
     * Records a delivery at the head of the window. Owner only.
     *
     * @param position where the delivery stands in the caller's order, not below any earlier one's
     * @return its ticket, to settle it with
     * @throws IllegalStateException if the window is full or fenced (see {@link #hasRoom()})
     */
    public long submit(long position) {
        if (fenced) {
            throw new IllegalStateException("a delivery failed: rewind before submitting anything newer");
        }
        if (head - tail >= limit) {
            throw new IllegalStateException("the window is full (" + limit + " deliveries)");
        }
        long ticket = head++;
        ensureChunk(ticket);
        positions[(int) (ticket & mask) >>> CHUNK_BITS][inChunk(ticket)] = position;
        return ticket;
    }

    /** The delivery is finished with. Any thread; once per ticket, before the next {@link #rewind}. */
    public void succeed(long ticket) {
        settle(ticket, SUCCEEDED);
    }

    /**
     * The delivery must be made again: the window is fenced until {@link #rewind()}. Any thread; once per ticket,
     * before the next {@link #rewind}.
     */
    public void fail(long ticket) {
        fenced = true;
        settle(ticket, FAILED);
    }

    private void settle(long ticket, int outcome) {
        slotsOf(ticket).set(inChunk(ticket), outcome);
        Thread owner = waiter;
        if (owner != null) {
            LockSupport.unpark(owner);
        }
    }

    /** @return whether a delivery failed since the last rewind; any thread */
    public boolean fenced() {
        return fenced;
    }

    /**
     * Moves the floor over every succeeded delivery that has no pending or failed one before it. Owner only.
     *
     * @return how many deliveries it moved over, oldest first
     */
    public int advance() {
        int moved = 0;
        long last = floor;
        while (tail < head) {
            AtomicIntegerArray chunk = slotsOf(tail);
            int slot = inChunk(tail);
            if (chunk.get(slot) != SUCCEEDED) {
                break;
            }
            chunk.lazySet(slot, PENDING);
            last = positions[(int) (tail & mask) >>> CHUNK_BITS][slot];
            tail++;
            moved++;
        }
        if (moved > 0) {
            floor = last;
        }
        return moved;
    }

    /** @return the position of the last delivery up to which every delivery succeeded; any thread */
    public long floor() {
        return floor;
    }

    /** @return deliveries the floor has not passed yet, settled or not. Owner only. */
    public int size() {
        return (int) (head - tail);
    }

    /** @return whether every delivery past the floor is settled (succeeded or failed). Owner only. */
    public boolean quiescent() {
        for (long t = tail; t < head; t++) {
            if (slotsOf(t).get(inChunk(t)) == PENDING) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until one more delivery fits, advancing as deliveries succeed. Owner only.
     *
     * @return whether there is room; false after the timeout or an interrupt, or at once when fenced
     */
    public boolean awaitRoom(long timeoutNanos) {
        return await(timeoutNanos, false);
    }

    /**
     * Waits until every delivery past the floor is settled, advancing as they succeed. Owner only.
     *
     * @return whether the window is quiescent; false after the timeout or an interrupt
     */
    public boolean awaitQuiescent(long timeoutNanos) {
        return await(timeoutNanos, true);
    }

    private boolean await(long timeoutNanos, boolean quiescence) {
        long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        try {
            while (true) {
                advance();
                if (quiescence ? quiescent() : hasRoom()) {
                    return true;
                }
                if (!quiescence && fenced) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(left, PARK_SLICE));
            }
        } finally {
            waiter = null;
        }
    }

    /**
     * Forgets every delivery past the floor and lowers the fence, once they are all settled. Owner only.
     *
     * @return how many deliveries were forgotten: the caller submits them again, from the one after
     *     {@link #floor()}
     * @throws IllegalStateException if a delivery past the floor is still pending (see {@link #awaitQuiescent})
     */
    public int rewind() {
        advance();
        if (!quiescent()) {
            throw new IllegalStateException("a delivery is still pending: wait for quiescence before rewinding");
        }
        int forgotten = (int) (head - tail);
        clear();
        fenced = false;
        return forgotten;
    }

    /**
     * Forgets every delivery, lowers the fence and sets the floor. Owner only, and only when no delivery can
     * still be settled (a settle after this would mark a slot of the next deliveries).
     */
    public void reset(long position) {
        clear();
        fenced = false;
        floor = position;
    }

    private void clear() {
        for (long t = tail; t < head; t++) {
            slotsOf(t).set(inChunk(t), PENDING);
        }
        head = tail;
    }

    @Override
    public String toString() {
        return "OrderedWindow[floor " + floor + ", " + (head - tail) + "/" + limit + (fenced ? ", fenced]" : "]");
    }
}
