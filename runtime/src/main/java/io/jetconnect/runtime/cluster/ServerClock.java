package io.jetconnect.runtime.cluster;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The NATS server's time as this worker knows it, for judging the age of the bucket's entries: the newest server
 * timestamp of an entry the watch delivered, plus the time elapsed since on this machine's monotonic clock. So ages
 * compare two readings of the server's clock and never this machine's wall clock: a worker whose clock is off by
 * an hour still sees a live worker alive. It lags the server by the delivery time of that entry (milliseconds),
 * and by nothing more while this worker's own heartbeat, a fresh entry every {@code heartbeat}, keeps arriving.
 * Thread-safe.
 */
final class ServerClock {

    private final LongSupplier nanos;
    private Instant newest; // guarded by this
    private long newestAtNanos; // guarded by this

    ServerClock() {
        this(System::nanoTime);
    }

    /** @param nanos a monotonic clock in nanoseconds ({@link System#nanoTime()}; a fake in tests) */
    ServerClock(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Takes the server's time of an entry just delivered; an older one than the clock already tells is ignored. */
    synchronized void observe(Instant written) {
        long at = nanos.getAsLong();
        if (newest == null || written.isAfter(newest.plusNanos(at - newestAtNanos))) {
            newest = written;
            newestAtNanos = at;
        }
    }

    /** @return the server's time now, empty before any entry was delivered */
    synchronized Optional<Instant> now() {
        return newest == null ? Optional.empty() : Optional.of(newest.plusNanos(nanos.getAsLong() - newestAtNanos));
    }
}
