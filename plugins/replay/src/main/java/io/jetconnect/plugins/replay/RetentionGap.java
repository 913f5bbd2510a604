package io.jetconnect.plugins.replay;

/**
 * A read that was to begin below the stream's first retained sequence: the messages in between were removed by
 * the stream's limits (age, count, size) or a purge, and the server would silently begin at the first one left.
 *
 * @param requested the sequence the read was to begin at
 * @param firstAvailable the stream's first sequence
 * @param resuming whether the requested position continues an earlier read (a stored cursor, a reconnect)
 *     rather than a {@code start} position of the configuration
 */
record RetentionGap(long requested, long firstAvailable, boolean resuming) {

    /**
     * @param requested the sequence a read is to begin at
     * @param firstSequence the stream's first sequence (for an empty stream, its last sequence + 1)
     * @param resuming as for the record
     * @return the gap, or null if nothing is missing
     */
    static RetentionGap between(long requested, long firstSequence, boolean resuming) {
        return requested < firstSequence ? new RetentionGap(requested, firstSequence, resuming) : null;
    }

    /** @return how many stream sequences are gone (with a subject filter, at most this many events) */
    long missing() {
        return firstAvailable - requested;
    }

    /** @return whether the read must fail rather than go on from the first sequence available */
    boolean fails(ReplaySettings.OnGap policy) {
        return switch (policy) {
            case FAIL -> true;
            case SKIP -> false;
            case AUTO -> resuming;
        };
    }

    String describe(String stream) {
        return "stream " + stream + ": sequences " + requested + " to " + (firstAvailable - 1)
                + " were removed by its retention before they were read (requested " + requested
                + ", first available " + firstAvailable + ", " + missing() + " missing)";
    }
}
