package io.jetconnect.runtime.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Counts a leased pipeline's restarts to read a cursor written by another while its source ran. A reset by hand
 * needs one; a writer that keeps writing the key (another runtime outside the fleet, a script) would have the source
 * restart, claim and be refused for ever: {@link #LIMIT} within {@link #WINDOW} under one hold is that. Not
 * thread-safe: the pipeline's lock guards it.
 */
final class Reclaims {

    static final int LIMIT = 3;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Deque<Long> at = new ArrayDeque<>();
    private long token = -1;

    /**
     * Records a reclaim.
     *
     * @param heldToken the token of the hold the source runs under: a new hold starts the count again
     * @param nowNanos the monotonic clock now
     * @return whether it is the {@link #LIMIT}th within {@link #WINDOW} under that hold
     */
    boolean tooMany(long heldToken, long nowNanos) {
        if (heldToken != token) {
            token = heldToken;
            at.clear();
        }
        while (!at.isEmpty() && nowNanos - at.peekFirst() > WINDOW.toNanos()) {
            at.removeFirst();
        }
        at.addLast(nowNanos);
        return at.size() >= LIMIT;
    }
}
