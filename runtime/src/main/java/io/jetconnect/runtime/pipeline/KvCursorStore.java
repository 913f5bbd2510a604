package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.nats.NatsConnector;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Cursors in a JetStream key-value bucket ({@code jetconnect-cursors}, file storage, created if absent), keyed
 * {@code <pipeline>.<key>}: for instances that move between machines. A store returns once the server has
 * acknowledged the write. Connects lazily, so a pipeline can start while the broker is away.
 *
 * <p>Fenced: each store first asks the fence (in a fleet, whether this worker still holds the pipeline's lease,
 * {@link SourceLeases.SourceLease#verify()}) and refuses the write when it says no, so that a former holder, cut off
 * or late, never moves the cursor of the worker that took its place.
 */
final class KvCursorStore implements CursorStore, ListableCursors, AutoCloseable {

    static final String BUCKET = "jetconnect-cursors";

    private final NatsSettings settings;
    private final String pipeline;
    private final java.util.function.BooleanSupplier fence;
    /** A share of the runtime's connection: every pipeline's cursor store uses a few between them. */
    private io.jetconnect.nats.SharedConnections.Lease lease;
    private KeyValue kv;

    KvCursorStore(NatsSettings settings, String pipeline) {
        this(settings, pipeline, () -> true);
    }

    /** @param fence whether a store may write now */
    KvCursorStore(NatsSettings settings, String pipeline, java.util.function.BooleanSupplier fence) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.fence = fence;
    }

    private synchronized KeyValue kv() {
        if (kv != null) {
            return kv;
        }
        try {
            if (lease == null) {
                lease = NatsConnector.share(settings);
            }
            Connection connection = NatsConnector.connection(lease, settings);
            KeyValueManagement kvm = connection.keyValueManagement();
            if (!kvm.getBucketNames().contains(BUCKET)) {
                kvm.create(KeyValueConfiguration.builder().name(BUCKET).storageType(StorageType.File)
                        .maxHistoryPerKey(1).build());
            }
            kv = connection.keyValue(BUCKET);
            return kv;
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cursor bucket " + BUCKET + " unavailable: " + e.getMessage(), e);
        }
    }

    private String key(String key) {
        String full = pipeline + "." + key;
        if (!full.matches("[A-Za-z0-9_=.-]+") || full.contains("..") || full.endsWith(".")) {
            throw new IllegalArgumentException("not a valid cursor key: " + key);
        }
        return full;
    }

    @Override
    public OptionalLong load(String key) {
        try {
            KeyValueEntry entry = kv().get(key(key));
            if (entry == null || entry.getValue() == null) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(new String(entry.getValue(), StandardCharsets.US_ASCII).trim()));
        } catch (IOException | JetStreamApiException | NumberFormatException e) {
            throw new RetriableException("cannot read cursor " + key(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Long> all() {
        Map<String, Long> out = new TreeMap<>();
        try {
            for (String full : kv().keys()) {
                if (full.startsWith(pipeline + ".")) {
                    String key = full.substring(pipeline.length() + 1);
                    load(key).ifPresent(v -> out.put(key, v));
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot list cursors: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while listing cursors");
        }
        return out;
    }

    @Override
    public void store(String key, long position) {
        if (!fence.getAsBoolean()) {
            throw new RetriableException("cursor " + key(key) + " not stored: this worker does not hold the lease of "
                    + "pipeline " + pipeline + " (another worker runs it now)");
        }
        try {
            kv().put(key(key), Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot store cursor " + key(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (lease != null) {
            lease.close();
            lease = null;
            kv = null;
        }
    }
}
