package io.jetconnect.runtime.cluster;

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

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

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

    /** Writes the plan, in its order, then the commit that has workers apply it; nothing when it is empty. */
    public static void apply(KeyValue kv, PushPlan plan) {
        if (plan.isEmpty()) {
            return;
        }
        try {
            for (Map.Entry<String, String> put : plan.puts().entrySet()) {
                kv.put(put.getKey(), put.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (String key : plan.deletes()) {
                kv.delete(key);
            }
            com.fasterxml.jackson.databind.node.ObjectNode commit = JSON.createObjectNode();
            commit.put("at", java.time.Instant.now().toString());
            java.util.List<String> keys = new java.util.ArrayList<>(plan.puts().keySet());
            keys.addAll(plan.unchanged());
            commit.set("keys", JSON.valueToTree(new java.util.TreeSet<>(keys)));
            kv.put(FleetDefinitions.COMMIT, commit.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot write the fleet bucket: " + e.getMessage(), e);
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
