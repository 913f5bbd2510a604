package io.jetconnect.runtime.cluster;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the fleet bucket (one jnats watch over every key): the definitions, and the workers' statuses for the fleet
 * view. The definitions are taken whole once the bucket's values at start have arrived, and again at every commit
 * {@code config push} writes after its other writes (the watch delivers in write order, so they have all arrived by
 * then); each time it asks for an apply on a thread of its own. Commits that arrive while an apply runs are taken
 * by one more apply of the latest, and no apply ever blocks the watch.
 */
final class BucketWatch implements KeyValueWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(BucketWatch.class);
    static final String WORKERS = "workers.";

    private final Runnable apply;
    private final Map<String, String> definitions = new TreeMap<>();
    private Map<String, String> committed = Map.of();
    private final Map<String, FleetView.Seen> workers = new TreeMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jetconnect-fleet-apply");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean caughtUp;
    private volatile AutoCloseable subscription;

    /** @param apply what applies the definitions ({@link #definitions()}); runs on the watch's own thread */
    BucketWatch(Runnable apply) {
        this.apply = apply;
    }

    void start(KeyValue kv) throws Exception {
        io.nats.client.impl.NatsKeyValueWatchSubscription sub = kv.watchAll(this);
        subscription = sub::unsubscribe;
    }

    @Override
    public void watch(KeyValueEntry entry) {
        String key = entry.getKey();
        boolean gone = entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null;
        if (key.startsWith(WORKERS)) {
            String id = key.substring(WORKERS.length());
            synchronized (this) {
                if (gone) {
                    workers.remove(id);
                } else {
                    workers.put(id, new FleetView.Seen(new String(entry.getValue(), StandardCharsets.UTF_8),
                            entry.getCreated().toInstant()));
                }
            }
            return;
        }
        if (key.equals(FleetDefinitions.COMMIT)) {
            if (caughtUp && !gone) {
                commit();
            }
            return;
        }
        if (!FleetDefinitions.isDefinition(key)) {
            return;
        }
        synchronized (this) {
            if (gone) {
                definitions.remove(key);
            } else {
                definitions.put(key, new String(entry.getValue(), StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void endOfData() {
        if (!caughtUp) {
            caughtUp = true;
            commit();
        }
    }

    private void commit() {
        synchronized (this) {
            committed = java.util.Collections.unmodifiableMap(new TreeMap<>(definitions));
        }
        requestApply();
    }

    private void requestApply() {
        if (pending.compareAndSet(false, true)) {
            applier.execute(() -> {
                pending.set(false);
                try {
                    apply.run();
                } catch (RuntimeException e) {
                    LOG.error("fleet: applying the bucket's pipelines failed: {}", e.getMessage(), e);
                }
            });
        }
    }

    /** @return the bucket's definitions as of the last commit, by key */
    synchronized Map<String, String> definitions() {
        return committed;
    }

    /** @return the workers' statuses now, by id */
    synchronized Map<String, FleetView.Seen> workers() {
        return new TreeMap<>(workers);
    }

    void close() {
        applier.shutdownNow();
        AutoCloseable sub = subscription;
        if (sub != null) {
            try {
                sub.close();
            } catch (Exception e) {
                LOG.debug("fleet: closing the watch: {}", e.toString());
            }
        }
    }
}
