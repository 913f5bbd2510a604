package io.jetconnect.runtime.cluster;

import io.jetconnect.nats.JetStreamErrors;
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
import java.util.TreeMap;

/**
 * The fleet's key-value bucket ({@code jetconnect.cluster.bucket}): opened, or created when missing (file storage,
 * one value per key), by {@code config push} and by every worker alike, so either may come first.
 */
public final class FleetBucket {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FleetBucket.class);

    private FleetBucket() {
    }

    /**
     * @return the bucket, created if missing
     * @throws RetriableException when the server cannot be asked now or refuses
     */
    public static KeyValue open(Connection connection, ClusterSettings cluster) {
        try {
            KeyValueManagement kvm = connection.keyValueManagement();
            if (!kvm.getBucketNames().contains(cluster.bucket())) {
                try {
                    kvm.create(KeyValueConfiguration.builder().name(cluster.bucket()).storageType(StorageType.File)
                            .maxHistoryPerKey(1).replicas(cluster.replicas())
                            .description("jetconnect fleet " + cluster.name()).build());
                } catch (JetStreamApiException e) {
                    // Another worker or a push created it between the two calls: use theirs.
                    if (!kvm.getBucketNames().contains(cluster.bucket())) {
                        throw e;
                    }
                }
            }
            return connection.keyValue(cluster.bucket());
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("fleet bucket " + cluster.bucket() + " unavailable: " + e.getMessage(), e);
        }
    }

    /** @return the bucket's pipeline and stream entries, by key */
    public static Map<String, String> definitions(KeyValue kv) {
        Map<String, String> found = new TreeMap<>();
        try {
            for (String key : kv.keys()) {
                if (FleetDefinitions.isDefinition(key)) {
                    KeyValueEntry entry = kv.get(key);
                    if (entry != null && entry.getValue() != null) {
                        found.put(key, new String(entry.getValue(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot read the fleet bucket: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while reading the fleet bucket");
        }
        return found;
    }

    /**
     * @return the revision of the bucket's commit now, 0 when no push has committed yet: what {@link #apply}
     *     expects to replace
     */
    public static long commitRevision(KeyValue kv) {
        try {
            KeyValueEntry commit = kv.get(FleetDefinitions.COMMIT);
            return commit == null ? 0 : commit.getRevision();
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot read the fleet bucket: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the plan, in its order, then the commit that has workers apply it; nothing when the bucket already
     * holds the push and its commit. The
     * commit replaces the one read before the plan was made, or fails: then another push committed meanwhile, its
     * writes and this one's may be mixed, and workers keep what they run until a push commits over it.
     *
     * @param wanted every definition of the push, for the commit's list
     * @param commitRevision {@link #commitRevision} before the plan was made
     * @throws ConcurrentPushException when another push committed meanwhile
     */
    public static void apply(KeyValue kv, PushPlan plan, Map<String, String> wanted, long commitRevision) {
        try {
            if (plan.isEmpty() && commitRevision != 0) {
                // Nothing to write, unless the last commit is not this set (a push that failed before its commit).
                KeyValueEntry last = kv.get(FleetDefinitions.COMMIT);
                if (last != null && last.getRevision() == commitRevision && FleetDefinitions.mismatch(
                        new String(last.getValue(), StandardCharsets.UTF_8), wanted) == null) {
                    return;
                }
            }
            for (Map.Entry<String, String> put : plan.puts().entrySet()) {
                kv.put(put.getKey(), put.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (String key : plan.deletes()) {
                kv.delete(key);
            }
            byte[] commit = FleetDefinitions.commit(wanted).getBytes(StandardCharsets.UTF_8);
            try {
                if (commitRevision == 0) {
                    kv.create(FleetDefinitions.COMMIT, commit);
                } else {
                    kv.update(FleetDefinitions.COMMIT, commit, commitRevision);
                }
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == JetStreamErrors.WRONG_LAST_SEQUENCE) {
                    throw new ConcurrentPushException();
                }
                throw e;
            }
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot write the fleet bucket: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes a key if its last revision is still {@code revision}. It leaves a delete marker of a few bytes.
     *
     * @return whether it deleted it; false when the key changed since (or is gone) or the server cannot be asked now
     *     (the caller tries again later)
     */
    static boolean deleteAt(KeyValue kv, String key, long revision) {
        try {
            kv.delete(key, revision);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.WRONG_LAST_SEQUENCE) {
                LOG.debug("cannot delete {}: {}", key, e.getMessage());
            }
            return false;
        } catch (IOException | RuntimeException e) {
            // A RuntimeException too: the connection closing under the call throws IllegalStateException.
            LOG.debug("cannot delete {}: {}", key, e.toString());
            return false;
        }
    }

    /** Another push committed between this one's read of the bucket and its commit. */
    public static final class ConcurrentPushException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ConcurrentPushException() {
            super("another push committed while this one was writing; the bucket may hold a mix of both, which no "
                    + "worker applies: run config push again");
        }
    }

    /**
     * A value written.
     *
     * @param value what was written
     * @param revision its revision
     */
    public record Written(String value, long revision) {
    }

    /**
     * Changes a key by compare-and-set: reads it, computes the new value from the old, writes it only over the
     * revision read, and tries again when another writer came between.
     *
     * @param next the new value, given the old one if the key has one
     * @return what was written
     * @throws RetriableException when the server cannot be asked now, or others kept winning
     */
    public static Written change(KeyValue kv, String key, java.util.function.Function<java.util.Optional<String>,
            String> next) {
        LeaseStore store = new KvLeaseStore(() -> kv);
        for (int attempt = 0; attempt < 10; attempt++) {
            java.util.Optional<LeaseStore.Entry> before = store.get(key);
            String value = next.apply(before.map(LeaseStore.Entry::value));
            java.util.OptionalLong written = before.isEmpty() ? store.create(key, value)
                    : store.update(key, value, before.get().revision());
            if (written.isPresent()) {
                return new Written(value, written.getAsLong());
            }
        }
        throw new RetriableException("cannot change " + key + ": other writers kept changing it");
    }
}
