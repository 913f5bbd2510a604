package io.jetconnect.spi;

import java.util.OptionalLong;

/**
 * Durable positions (stream sequences) of a source, scoped to its pipeline: two pipelines never see each other's
 * cursors. Backed by a file under the data directory or a JetStream key-value bucket, as configured.
 *
 * <p>Thread-safe. Methods block on I/O; call them from the source's own threads, not from a sink's completion.
 */
public interface CursorStore {

    /**
     * @param key a name for the position within the pipeline, such as the stream name; not null
     * @return the last stored position, or empty if none was ever stored
     * @throws RetriableException if the store cannot be read now
     */
    OptionalLong load(String key);

    /**
     * Stores a position so that it survives a crash once this method returns.
     *
     * @param key the name of the position; not null
     * @param position the position
     * @throws RetriableException if the store cannot be written now
     */
    void store(String key, long position);
}
