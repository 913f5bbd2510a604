package io.jetconnect.runtime.pipeline;

import java.util.Optional;

/**
 * Where a run-once pipeline ({@link io.jetconnect.spi.EventSource#runsOnce}) gets the lease that lets it run its
 * source: the fleet's leases in fleet mode, none in a single runtime (which runs every source it has).
 */
public interface SourceLeases {

    /** A single runtime's: no leases, every source runs. */
    SourceLeases NONE = (pipeline, changed) -> Optional.empty();

    /**
     * Starts competing for a pipeline's lease.
     *
     * @param pipeline the pipeline's name
     * @param changed called, on a thread of the leases', whenever this worker gains or loses the lease
     * @return its lease, or empty when sources need none
     */
    Optional<SourceLease> join(String pipeline, Runnable changed);

    /** One pipeline's lease on this worker. Thread-safe. */
    interface SourceLease extends AutoCloseable {

        /** @return whether this worker holds it now */
        boolean holds();

        /**
         * The fencing check of a cursor store: this worker holds it and the lease's key still says so.
         *
         * @return whether the write may go ahead
         */
        boolean verify();

        /**
         * The fencing token of this worker's hold, which the cursors written under it carry: greater for every
         * later hold of the pipeline's lease, by any worker (docs/scale-out.md, "Leases").
         *
         * @return the token, or 0 when this worker does not hold the lease
         */
        long token();

        /**
         * Renews the hold now, by compare-and-set on the lease's key, and says whether the server took it: proof
         * that no later hold of the lease began since this one (in this life of the fleet bucket), which a read of
         * the key, maybe answered by a replica that lags, is not.
         *
         * @return whether this worker holds the lease under {@link #token()} and the renewal was written
         */
        boolean confirm();

        /** Stops competing, and gives the lease up if held so that another worker takes it at once. */
        @Override
        void close();
    }
}
