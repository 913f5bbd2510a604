package io.jetconnect.runtime.pipeline;

import io.jetconnect.runtime.nats.KvCompareAndSet;
import io.jetconnect.runtime.nats.NatsConnector;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Cursors in a JetStream key-value bucket ({@code jetconnect-cursors}, file storage, created if absent), keyed
 * {@code <pipeline>.<key>}: for instances that move between machines. A store returns once the server has
 * acknowledged the write. Connects lazily, so a pipeline can start while the broker is away.
 *
 * <p>Fenced under a lease ({@link FencedCursors}): a value is {@code <position>@<token>}, the token of the lease
 * hold it was written under, and each write is a compare-and-set on the key, so that a former holder, cut off or
 * late, never moves the cursor of the worker that took its place. Without a lease (a single runtime) a value is the
 * plain {@code <position>} and a store overwrites it; either reads both forms.
 */
final class KvCursorStore implements CursorStore, ListableCursors, AutoCloseable {

    static final String BUCKET = "jetconnect-cursors";

    private final NatsSettings settings;
    private final String pipeline;
    /** Null without a lease. */
    private final FencedCursors fenced;
    /** A share of the runtime's connection: every pipeline's cursor store uses a few between them. */
    private io.jetconnect.nats.SharedConnections.Lease lease;
    private KeyValue kv;

    KvCursorStore(NatsSettings settings, String pipeline) {
        this(settings, pipeline, null);
    }

    /** @param fence the pipeline's lease, whose hold every store must be made under; null for none */
    KvCursorStore(NatsSettings settings, String pipeline, SourceLeases.SourceLease fence) {
        this(settings, pipeline, fence, () -> { });
    }

    /**
     * @param fence the pipeline's lease, whose hold every store must be made under; null for none
     * @param reclaim asks for the source to be started again, to claim a cursor that was reset by hand while it ran
     *     (called on the source's thread: it must not wait for the source to stop)
     */
    KvCursorStore(NatsSettings settings, String pipeline, SourceLeases.SourceLease fence, Runnable reclaim) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.fenced = fence == null ? null : new FencedCursors(new Bucket(), pipeline, fence, reclaim);
    }

    /**
     * The cursors as one source instance sees them: under a lease, its loads and stores are refused once
     * {@link #endSession()} or the next {@code session()} was called, so a source thread that outlives its stop
     * never writes under the claims of the source started after it.
     */
    CursorStore session() {
        return fenced == null ? this : sessionOf(fenced.begin());
    }

    /**
     * {@link #session()}, with what the source asks to start again with, given the full key of a cursor found
     * reset while it ran (ignored without a lease).
     */
    CursorStore session(java.util.function.Consumer<String> reclaim) {
        return fenced == null ? this : sessionOf(fenced.begin(reclaim));
    }

    private CursorStore sessionOf(long in) {
        return new CursorStore() {
            @Override
            public OptionalLong load(String key) {
                return parsed(key, () -> fenced.load(key(key), in));
            }

            @Override
            public void store(String key, long position) {
                parsed(key, () -> {
                    fenced.store(key(key), position, in);
                    return OptionalLong.empty();
                });
            }
        };
    }

    /** Ends the current source's session (it was stopped). */
    void endSession() {
        if (fenced != null) {
            fenced.begin();
        }
    }

    /** A fenced operation, with a value that is not a cursor as a retriable failure. */
    private OptionalLong parsed(String key, java.util.function.Supplier<OptionalLong> op) {
        try {
            return op.get();
        } catch (NumberFormatException e) {
            throw new RetriableException("cannot use cursor " + key(key) + ": " + e.getMessage(), e);
        }
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
            return fenced != null ? fenced.load(key(key)) : read(key(key));
        } catch (NumberFormatException e) {
            throw new RetriableException("cannot read cursor " + key(key) + ": " + e.getMessage(), e);
        }
    }

    /** A key's position, read only. */
    private OptionalLong read(String full) {
        return new Bucket().get(full).map(e -> FencedCursors.Value.parse(e.value()).position())
                .orElse(OptionalLong.empty());
    }

    @Override
    public Map<String, Long> all() {
        Map<String, Long> out = new TreeMap<>();
        try {
            for (String full : kv().keys()) {
                if (full.startsWith(pipeline + ".")) {
                    read(full).ifPresent(v -> out.put(full.substring(pipeline.length() + 1), v));
                }
            }
        } catch (IOException | JetStreamApiException | NumberFormatException e) {
            throw new RetriableException("cannot list cursors: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while listing cursors");
        }
        return out;
    }

    @Override
    public void store(String key, long position) {
        if (fenced != null) {
            parsed(key, () -> {
                fenced.reset(key(key), position);
                return OptionalLong.empty();
            });
            return;
        }
        try {
            kv().put(key(key), Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot store cursor " + key(key) + ": " + e.getMessage(), e);
        }
    }

    /** The bucket's atomic operations, for the fencing. */
    private final class Bucket implements FencedCursors.Bucket {

        @Override
        public Optional<Entry> get(String key) {
            return KvCompareAndSet.get(kv(), key).map(e -> new Entry(new String(e.getValue(),
                    StandardCharsets.US_ASCII), e.getRevision()));
        }

        @Override
        public OptionalLong create(String key, String value) {
            return KvCompareAndSet.create(kv(), key, value.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public OptionalLong update(String key, String value, long expected) {
            return KvCompareAndSet.update(kv(), key, value.getBytes(StandardCharsets.US_ASCII), expected);
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
