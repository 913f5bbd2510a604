package io.jetconnect.runtime.cluster;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The NATS server's time as this worker knows it, for judging the age of the bucket's entries: the server timestamp
 * of this worker's own latest status as the watch delivered it ({@link #anchor}), plus the time elapsed since on this
 * machine's monotonic clock; before the first of those, the newest timestamp of any entry ({@link #observe}). So ages
 * compare two readings of the server's clock and never this machine's wall clock: a worker whose clock is off by
 * an hour still sees a live worker alive. It lags the server by the delivery time of that entry (milliseconds) while
 * this worker's own heartbeat, a fresh entry every {@code heartbeat}, keeps arriving. It follows the server back too:
 * a reading that ran ahead (the server's clock stepped back, the bucket's stream leader moved to a server whose clock
 * is behind, this machine's monotonic clock drifted over a long uptime) is corrected by the next own status, and is
 * never kept for ever, which would show live workers dead. Thread-safe.
 */
final class ServerClock {

    private final LongSupplier nanos;
    private Instant newest; // guarded by this
    private long newestAtNanos; // guarded by this
    /** Whether an own status set the clock: from then on only they do. Guarded by this. */
    private boolean anchored;

    ServerClock() {
        this(System::nanoTime);
    }

    /** @param nanos a monotonic clock in nanoseconds ({@link System#nanoTime()}; a fake in tests) */
    ServerClock(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * Takes the server's time of another worker's entry just delivered, until an own status set the clock; an older
     * one than the clock already tells is ignored. Once anchored, others' entries are ignored: stamped by another
     * server of the bucket's cluster they could only move it ahead of the one that stamps this worker's writes now.
     */
    synchronized void observe(Instant written) {
        long at = nanos.getAsLong();
        if (!anchored && (newest == null || written.isAfter(newest.plusNanos(at - newestAtNanos)))) {
            newest = written;
            newestAtNanos = at;
        }
    }

    /**
     * Sets the clock to the server's time of this worker's own status just delivered, also back: the watch delivers
     * in write order, so it is the latest this worker wrote, and the server stamped it as it arrived. One delivered
     * late (an old status of the same id, delivered first when the watch begins) sets it behind, which only shows
     * workers alive longer, until this worker's next status arrives.
     */
    synchronized void anchor(Instant written) {
        anchored = true;
        newest = written;
        newestAtNanos = nanos.getAsLong();
    }

    /** @return the server's time now, empty before any entry was delivered */
    synchronized Optional<Instant> now() {
        return newest == null ? Optional.empty() : Optional.of(newest.plusNanos(nanos.getAsLong() - newestAtNanos));
    }
}
