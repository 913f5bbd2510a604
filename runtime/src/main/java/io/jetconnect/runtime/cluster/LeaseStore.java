package io.jetconnect.runtime.cluster;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The three key-value operations a {@link Lease} needs, each atomic on the server: what the fleet bucket gives, and
 * what a test fakes. A conflict (the key exists, or its revision moved) is an answer, not an error; an error means
 * the server could not be asked, or its answer was lost (the write may have happened).
 */
interface LeaseStore {

    /**
     * A key's last value.
     *
     * @param value its value
     * @param revision its revision (bucket-wide, increasing)
     * @param writtenAt when the server stored it, by the server's clock
     */
    record Entry(String value, long revision, Instant writtenAt) {
    }

    /** @return the key's last value, empty if it has none (never written, or deleted) */
    Optional<Entry> get(String key);

    /** @return the revision written, or empty when the key already has a value */
    OptionalLong create(String key, String value);

    /** @return the revision written, or empty when the key's last revision is not {@code expected} */
    OptionalLong update(String key, String value, long expected);
}
