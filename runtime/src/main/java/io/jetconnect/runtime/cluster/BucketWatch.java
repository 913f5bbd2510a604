package io.jetconnect.runtime.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.support.NatsKeyValueUtil;
import java.io.IOException;
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
 * by one more apply of the latest, and no apply ever blocks the watch. It also keeps the leases of run-once
 * pipelines and the fleet's controls ({@link FleetControl}) for the view; a control that changes once the watch
 * has caught up asks, on the same thread as the applies, for the controls to be acted on. This worker's own
 * status entries set the {@link ServerClock} the fleet view and the expiry of dead workers judge ages by (others'
 * entries only until the first own one arrives).
 *
 * <p>The watch is jnats' own (an ordered push consumer of the bucket's last value per key, then every change)
 * set up here rather than by {@code KeyValue.watchAll}, which leaves its subscription behind when its last step
 * (asking the server how much there is to catch up on) fails: every retry of the worker's start would then add a
 * subscription delivering the bucket again.
 */
final class BucketWatch {

    private static final Logger LOG = LoggerFactory.getLogger(BucketWatch.class);
    static final String WORKERS = "workers.";

    private final String self;
    private final Runnable apply;
    private final Runnable control;
    private final java.util.function.Consumer<Map<String, FleetControl>> baseline;
    private final Map<String, FleetView.Seen> leases = new TreeMap<>();
    private final Map<String, FleetControl> controls = new TreeMap<>();
    private final AtomicBoolean controlPending = new AtomicBoolean();
    private final Map<String, String> definitions = new TreeMap<>();
    private Map<String, String> committed = Map.of();
    /** The last commit's value, null before the first push. Guarded by this. */
    private String lastCommit;
    /** Why the bucket's definitions were not taken at the last commit or catch-up; null when they were. */
    private volatile String inconsistency;
    private volatile boolean closed;
    private final Map<String, FleetView.Seen> workers = new TreeMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jetconnect-fleet-apply");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean caughtUp = new AtomicBoolean();
    private final ServerClock serverClock = new ServerClock();
    private volatile AutoCloseable subscription;

    /**
     * @param self this worker's id: its own status sets the {@link ServerClock}
     * @param apply what applies the definitions ({@link #definitions()}); runs on the watch's own thread
     * @param control what acts on the controls ({@link #controls()}); runs on that thread too
     * @param baseline takes the controls present when the watch caught up, before the first apply
     */
    BucketWatch(String self, Runnable apply, Runnable control,
                java.util.function.Consumer<Map<String, FleetControl>> baseline) {
        this.self = self;
        this.apply = apply;
        this.control = control;
        this.baseline = baseline;
    }

    /**
     * Starts following the bucket, from its last value per key; nothing of the watch is left when it throws.
     *
     * @param connection the connection to follow it on
     * @param bucket the bucket's name
     */
    void start(Connection connection, String bucket) throws IOException, JetStreamApiException {
        Dispatcher dispatcher = connection.createDispatcher();
        // Known before anything can fail or be delivered: a close while this runs closes it.
        subscription = () -> connection.closeDispatcher(dispatcher);
        try {
            PushSubscribeOptions options = PushSubscribeOptions.builder()
                    .stream(NatsKeyValueUtil.toStreamName(bucket))
                    .ordered(true)
                    .configuration(ConsumerConfiguration.builder()
                            .ackPolicy(AckPolicy.None)
                            .deliverPolicy(DeliverPolicy.LastPerSubject)
                            .filterSubject(NatsKeyValueUtil.toKeyPrefix(bucket) + ">")
                            .build())
                    .build();
            JetStreamSubscription sub = connection.jetStream().subscribe(null, dispatcher, this::delivered, false,
                    options);
            // An empty bucket delivers no entry that says it is the last one: ask (unless one already said so).
            if (!caughtUp.get() && sub.getConsumerInfo().getCalculatedPending() == 0) {
                endOfData();
            }
            if (closed) {
                // Closed while this started, maybe before the dispatcher was known to it: stop what it started.
                closeQuietly(subscription);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            try {
                connection.closeDispatcher(dispatcher);
            } catch (RuntimeException closed) {
                e.addSuppressed(closed); // the connection closed meanwhile, and its subscriptions with it
            }
            throw e;
        }
    }

    private void delivered(Message message) {
        KeyValueEntry entry = new KeyValueEntry(message);
        watch(entry);
        if (entry.getDelta() == 0) {
            endOfData(); // the last entry there was when the watch began
        }
    }

    void watch(KeyValueEntry entry) {
        String key = entry.getKey();
        boolean gone = entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null;
        if (key.equals(WORKERS + self) && !gone) {
            serverClock.anchor(entry.getCreated().toInstant());
        } else {
            serverClock.observe(entry.getCreated().toInstant());
        }
        if (key.startsWith(WORKERS)) {
            String id = key.substring(WORKERS.length());
            synchronized (this) {
                if (gone) {
                    workers.remove(id);
                } else {
                    workers.put(id, seen(entry));
                }
            }
            return;
        }
        if (key.startsWith(Leases.LEASES) || key.startsWith(FleetControl.CONTROL)) {
            others(key, gone, entry);
            return;
        }
        if (key.equals(FleetDefinitions.COMMIT)) {
            synchronized (this) {
                lastCommit = gone ? null : new String(entry.getValue(), StandardCharsets.UTF_8);
            }
            if (caughtUp.get() && !gone) {
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

    private static FleetView.Seen seen(KeyValueEntry entry) {
        return new FleetView.Seen(new String(entry.getValue(), StandardCharsets.UTF_8), entry.getCreated().toInstant(),
                entry.getRevision(), System.nanoTime());
    }

    private void others(String key, boolean gone, KeyValueEntry entry) {
        synchronized (this) {
            if (key.startsWith(Leases.LEASES)) {
                String name = key.substring(Leases.LEASES.length());
                if (gone) {
                    leases.remove(name);
                } else {
                    leases.put(name, seen(entry));
                }
                return;
            }
            String name = key.substring(FleetControl.CONTROL.length());
            if (gone) {
                controls.remove(name);
            } else {
                controls.put(name, FleetControl.parse(new String(entry.getValue(), StandardCharsets.UTF_8)));
            }
        }
        if (caughtUp.get()) {
            requestControl();
        }
    }

    /** The values the bucket held when the watch began have all been delivered: takes them. Once. */
    void endOfData() {
        if (caughtUp.compareAndSet(false, true)) {
            Map<String, FleetControl> present = controls();
            if (execute(() -> baseline.accept(present))) {
                commit();
            }
        }
    }

    /** Asks for the controls to be acted on (after a change, or to hold a pause on a new instance). */
    void requestControl() {
        if (caughtUp.get() && controlPending.compareAndSet(false, true)) {
            execute(() -> {
                controlPending.set(false);
                try {
                    control.run();
                } catch (RuntimeException e) {
                    LOG.error("fleet: acting on the fleet's controls failed: {}", e.getMessage(), e);
                }
            });
        }
    }

    /** @return whether the task was taken; false once the watch is closed (on the watch's thread: nothing to do) */
    private boolean execute(Runnable task) {
        try {
            applier.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** @return the fleet's controls now, by pipeline */
    synchronized Map<String, FleetControl> controls() {
        return new TreeMap<>(controls);
    }

    /** @return the leases of run-once pipelines as last written, by pipeline */
    synchronized Map<String, FleetView.Seen> leases() {
        return new TreeMap<>(leases);
    }

    private void commit() {
        synchronized (this) {
            if (lastCommit == null) {
                inconsistency = "no push has committed to the bucket yet";
                return;
            }
            String mismatch = FleetDefinitions.mismatch(lastCommit, definitions);
            if (mismatch != null) {
                inconsistency = "the bucket's definitions are not those of its last commit (" + mismatch
                        + "): a push is being written, failed part-way or raced another; waiting for a push to "
                        + "commit";
                LOG.warn("fleet: {}", inconsistency);
                return;
            }
            inconsistency = null;
            committed = java.util.Collections.unmodifiableMap(new TreeMap<>(definitions));
        }
        requestApply();
    }

    /** @return why the bucket's definitions were not taken, if they were not at the last commit or catch-up */
    java.util.Optional<String> inconsistency() {
        return java.util.Optional.ofNullable(inconsistency);
    }

    private void requestApply() {
        if (pending.compareAndSet(false, true)) {
            execute(() -> {
                pending.set(false);
                if (closed) {
                    return;
                }
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

    /** @return the server's time now as the watch knows it, empty before it delivered anything */
    java.util.Optional<java.time.Instant> serverNow() {
        return serverClock.now();
    }

    /** @return the workers' statuses now, by id */
    synchronized Map<String, FleetView.Seen> workers() {
        return new TreeMap<>(workers);
    }

    /**
     * Stops following the bucket. An apply already running finishes (the runtime's stop waits for it before it
     * stops the pipelines, and refuses any reload after); one not yet begun does not run.
     */
    void close() {
        closed = true;
        applier.shutdown();
        closeQuietly(subscription);
    }

    private static void closeQuietly(AutoCloseable sub) {
        if (sub != null) {
            try {
                sub.close();
            } catch (Exception e) {
                LOG.debug("fleet: closing the watch: {}", e.toString()); // closed already, by close or by start
            }
        }
    }
}
