package io.jetconnect.plugins.replay;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The highest stream sequence S such that every event delivered up to S has been acknowledged, over a bounded
 * window of deliveries.
 *
 * <p>One thread, the owner, delivers ({@link #deliver}) in increasing sequence order and moves the cursor
 * ({@link #advance}); acknowledgements ({@link #acknowledge}) come from any thread, in any order. Each delivery
 * takes a slot of a ring; an acknowledgement only flags its slot, and the owner sweeps flagged slots from the
 * oldest on, so the hot path has no lock and one volatile write per side. The window (deliveries the cursor
 * has not passed, acknowledged or not) never exceeds the capacity: {@link #awaitRoom} blocks the owner until the
 * oldest delivery is acknowledged.
 */
final class ContiguousCursor {

    private final int limit;
    private final int mask;
    private final long[] sequences;
    private final AtomicIntegerArray acknowledged;
    private volatile Thread waiter;
    private volatile long cursor;
    /** Owner-only: the next delivery's index, and the oldest delivery not yet swept. */
    private long head;
    private long tail;

    /**
     * @param limit the most deliveries the cursor may lag behind, at least 1
     * @param cursor the position before the first delivery
     */
    ContiguousCursor(int limit, long cursor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        int capacity = Integer.highestOneBit(limit - 1 == 0 ? 1 : limit - 1) << 1;
        this.limit = limit;
        this.mask = capacity - 1;
        this.sequences = new long[capacity];
        this.acknowledged = new AtomicIntegerArray(capacity);
        this.cursor = cursor;
    }

    /**
     * Records a delivery. Owner only; there must be room ({@link #window()} below the limit).
     *
     * @param sequence the stream sequence, above every earlier one
     * @return the token to acknowledge it with
     */
    long deliver(long sequence) {
        if (head - tail >= limit) {
            throw new IllegalStateException("the window is full");
        }
        long token = head++;
        sequences[(int) (token & mask)] = sequence;
        return token;
    }

    /** Marks a delivery acknowledged. Any thread, once per token. */
    void acknowledge(long token) {
        acknowledged.set((int) (token & mask), 1);
        Thread owner = waiter;
        if (owner != null) {
            LockSupport.unpark(owner);
        }
    }

    /**
     * Moves the cursor over every acknowledged delivery that has no unacknowledged one before it. Owner only.
     *
     * @return how many deliveries it moved over
     */
    int advance() {
        int moved = 0;
        long last = cursor;
        while (tail < head) {
            int slot = (int) (tail & mask);
            if (acknowledged.get(slot) == 0) {
                break;
            }
            acknowledged.lazySet(slot, 0);
            last = sequences[slot];
            tail++;
            moved++;
        }
        if (moved > 0) {
            cursor = last;
        }
        return moved;
    }

    /**
     * Waits until the window has room for one more delivery, advancing as acknowledgements come. Owner only.
     *
     * @param timeoutNanos the longest wait
     * @return whether there is room
     */
    boolean awaitRoom(long timeoutNanos) {
        advance();
        if (head - tail < limit) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        try {
            while (true) {
                advance();
                if (head - tail < limit) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } finally {
            waiter = null;
        }
    }

    /** @return deliveries the cursor has not passed yet. Owner only. */
    int window() {
        return (int) (head - tail);
    }

    /** @return the cursor; any thread */
    long cursor() {
        return cursor;
    }

    /**
     * Forgets every delivery and sets the cursor. Owner only, and only when no acknowledgement can still come.
     */
    void reset(long position) {
        for (long i = tail; i < head; i++) {
            acknowledged.set((int) (i & mask), 0);
        }
        head = 0;
        tail = 0;
        cursor = position;
    }
}
