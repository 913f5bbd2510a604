package io.jetconnect.plugins.replay;

import java.util.OptionalLong;

/**
 * Where a read stands in its stream, and the rules that follow from it: where a (re-)created consumer begins,
 * whether that continues an earlier read (for {@code on-gap = auto}), which deliveries are repeats to drop, and
 * where a {@code then = stop} read ends.
 * <ul>
 *   <li>Ephemeral consumers: the last sequence delivered (or known to be before the first delivery), so that a
 *       consumer lost in the middle is re-created right after it; before any delivery, the stored cursor + 1,
 *       else {@code start}.</li>
 *   <li>Durable consumers: the consumer's ack floor, which the server keeps; the stored cursor only seeds it for
 *       a consumer that has to be created.</li>
 * </ul>
 * The target of a {@code then = stop} read is the stream's last sequence when the read first reaches the stream,
 * fixed from then on. Owned by the source's thread; only {@link #ackFloor()} and {@link #streamLast()} are read
 * by other threads (the gauges).
 */
final class ReadPosition {

    private static final long NONE = -1;

    private final boolean durable;
    private final boolean stopAtTarget;
    private final StartPosition start;
    private OptionalLong stored = OptionalLong.empty();
    private long lastDelivered = NONE;
    private volatile long ackFloor;
    private boolean floorKnown;
    private volatile long streamLast;
    private long target = Long.MAX_VALUE;
    private boolean targetSet;

    ReadPosition(ReplaySettings settings) {
        this.durable = settings.isDurable();
        this.stopAtTarget = settings.then() == ReplaySettings.Then.STOP;
        this.start = settings.start();
    }

    /** The cursor store answered: {@code cursor} is where an earlier run stopped, if anywhere. */
    void loaded(OptionalLong cursor) {
        stored = cursor;
        if (cursor.isPresent()) {
            ackFloor = cursor.getAsLong();
            floorKnown = true;
        }
    }

    /** @return the stored cursor the read began with, if any */
    OptionalLong stored() {
        return stored;
    }

    /** @return where the next consumer begins: after the last delivery or the ack floor, the stored cursor, or start */
    StartPosition begin() {
        if (durable && floorKnown) {
            return StartPosition.at(ackFloor + 1);
        }
        if (!durable && lastDelivered >= 0) {
            return StartPosition.at(lastDelivered + 1);
        }
        if (stored.isPresent()) {
            return StartPosition.at(stored.getAsLong() + 1);
        }
        return start;
    }

    /** @return whether {@link #begin()} continues an earlier read (a stored cursor, a delivery, a known floor) */
    boolean resuming() {
        return durable ? floorKnown : lastDelivered >= 0 || stored.isPresent();
    }

    /**
     * Fixes the target, the first time the read sees the stream.
     *
     * @return whether it was fixed now (so that the caller says where the read goes)
     */
    boolean reachStream(long lastSequence) {
        streamLast = Math.max(streamLast, lastSequence);
        if (targetSet) {
            return false;
        }
        targetSet = true;
        if (stopAtTarget) {
            target = lastSequence;
        }
        return true;
    }

    /**
     * An ephemeral consumer was created; its first message comes after {@code before}.
     *
     * @return the cursor an idle window starts from: where the consumer begins, but never below a stored cursor
     */
    long ephemeralOpened(long before) {
        long cursor = Math.max(before, stored.isPresent() && lastDelivered < 0 ? stored.getAsLong() : 0);
        lastDelivered = Math.max(lastDelivered, before);
        return cursor;
    }

    /** A durable consumer was bound or created with this ack floor. */
    void durableOpened(long floor) {
        ackFloor = floor;
        floorKnown = true;
    }

    /** @return whether an ephemeral delivery of {@code sequence} repeats one already delivered (a re-created consumer) */
    boolean repeats(long sequence) {
        return sequence <= lastDelivered;
    }

    /** @return whether {@code sequence} lies past the end of a {@code then = stop} read */
    boolean pastTarget(long sequence) {
        return sequence > target;
    }

    /** @return whether {@code sequence} is the last one a {@code then = stop} read takes */
    boolean atTarget(long sequence) {
        return sequence >= target;
    }

    /** @return whether an ephemeral read has delivered every sequence up to the target */
    boolean delivered() {
        return lastDelivered >= target;
    }

    /** @param pending what the server says is stored after {@code sequence} */
    void delivering(long sequence, long pending) {
        streamLast = Math.max(streamLast, sequence + pending);
        lastDelivered = Math.max(lastDelivered, sequence);
    }

    /** The read goes back to {@code cursor}: what was delivered after it is to be delivered again. */
    void rewound(long cursor) {
        lastDelivered = cursor;
    }

    /** @return the last sequence delivered, -1 before any */
    long lastDelivered() {
        return lastDelivered;
    }

    /** @return the target of a {@code then = stop} read, {@link Long#MAX_VALUE} for a tail */
    long target() {
        return target;
    }

    long ackFloor() {
        return ackFloor;
    }

    /** The server said where a durable consumer's ack floor is now. */
    void ackFloor(long floor) {
        ackFloor = floor;
    }

    /** @return the stream's last sequence, as last seen */
    long streamLast() {
        return streamLast;
    }

    void streamLast(long lastSequence) {
        streamLast = Math.max(streamLast, lastSequence);
    }
}
