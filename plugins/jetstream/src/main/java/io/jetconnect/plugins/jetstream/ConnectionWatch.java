package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.SinkContext;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the sink's NATS connections from jnats' connection events, so that a sink nobody emits to still notices
 * a lost broker: the {@link Publisher} alone learns of one only when a publish fails, and an idle pipeline would
 * show a closed circuit and "running" for as long as it stays idle.
 *
 * <p>When no connection of the sink has been up for {@code grace} (a lost connection the publisher replaces by
 * itself, as its recovery does, is not an outage), the watch counts the link as down: the circuit gauge reads 1,
 * the pipeline is shown {@code waiting} ({@link SinkContext#waiting}), and the watch tries to reach the server on its
 * own, waiting as {@code start-retry} says between attempts. Once a connection
 * is made and JetStream answers on it, it is offered to the publisher ({@link Publisher#reconnected}), which closes
 * an open circuit at once rather than at its next probe (up to {@code backoff.max} away), and the pipeline is
 * available again ({@link SinkContext#available}: a {@code dlq} in front drains).
 *
 * <p>Thread-safe: jnats reports events on its own threads; waiting and reconnecting run on the watch's serial
 * executor ({@code SinkContext.serialExecutor}), which {@link #close()} shuts down.
 */
final class ConnectionWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    /** Opens a connection with the stream checked, or throws. */
    interface Connect {
        ConnectionEpoch connect() throws IOException, InterruptedException;
    }

    private final Connect connect;
    private final Predicate<ConnectionEpoch> handOver;
    private final SinkContext context;
    private final String url;
    private final long graceNanos;
    private final Backoff polls;
    /** Failed attempts since the link went down; watch thread only. */
    private int pollsFailed;
    private final ScheduledExecutorService thread;
    /** Connections that reached CONNECTED and have not been lost or closed since. */
    private final Set<Connection> up = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile boolean down;
    private volatile Runnable onLost = () -> { };
    private volatile boolean started;
    private volatile boolean closed;
    /** A connection the watch made and has not handed over yet; watch thread only. */
    private volatile ConnectionEpoch held;
    private ScheduledFuture<?> pending; // guarded by lock

    /**
     * @param connect opens a connection (the sink's connector, with its stream check)
     * @param handOver offers a new connection to the publisher; false when it did not take it (then it is closed)
     * @param context where the pipeline's state is reported
     * @param url the redacted URL, for messages
     * @param grace how long no connection may be up before the link counts as down
     * @param polls the waits between attempts to reach the server while it is down
     * @param executor where waiting and reconnecting run, one at a time
     */
    ConnectionWatch(Connect connect, Predicate<ConnectionEpoch> handOver, SinkContext context, String url,
                    Duration grace, Backoff polls, ScheduledExecutorService executor) {
        this.connect = connect;
        this.handOver = handOver;
        this.context = context;
        this.url = url;
        this.graceNanos = grace.toNanos();
        this.polls = polls;
        this.thread = executor;
    }

    /** @return whether the link to NATS counts as down: no connection of the sink has been up for the grace */
    boolean down() {
        return down;
    }

    /** Runs {@code action} each time the link starts counting as down; must not block. */
    void onLost(Runnable action) {
        this.onLost = action;
    }

    /** Starts following the sink's connections, the publisher's first one being up now. */
    void start(Connection first) {
        if (first.getStatus() == Connection.Status.CONNECTED) {
            up.add(first);
        }
        started = true;
    }

    /** A jnats connection event of any of the sink's connections; called on jnats' threads. */
    void event(Connection connection, ConnectionListener.Events event) {
        if (!started || closed) {
            return; // before start the first connection is FirstConnection's business
        }
        switch (event) {
            case CONNECTED, RECONNECTED -> up.add(connection);
            case DISCONNECTED, CLOSED -> {
                if (up.remove(connection) && up.isEmpty()) {
                    schedule(graceNanos, this::check);
                }
            }
            default -> {
            }
        }
    }

    private void schedule(long delayNanos, Runnable task) {
        synchronized (lock) {
            if (closed || pending != null && !pending.isDone()) {
                return;
            }
            try {
                pending = thread.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private void reschedule(long delayNanos, Runnable task) {
        synchronized (lock) {
            pending = null;
        }
        schedule(delayNanos, task);
    }

    /** The grace is over: if still no connection is up, the link is down and the watch reconnects. */
    private void check() {
        synchronized (lock) {
            pending = null;
        }
        if (closed || !up.isEmpty()) {
            return;
        }
        onLost.run();
        down = true;
        pollsFailed = 0;
        LOG.warn("Pipeline {}: lost the NATS connection to {}; reconnecting", context.pipelineName(), url);
        context.waiting("lost the connection to NATS at " + url + "; reconnecting");
        attempt();
    }

    /** Connects, then hands the connection over; again later until one of them works. Watch thread. */
    private void attempt() {
        if (closed) {
            return;
        }
        ConnectionEpoch mine = held;
        if (mine != null && !mine.connected()) {
            mine.close();
            mine = null;
            held = null;
        }
        if (mine == null) {
            try {
                mine = connect.connect();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("Pipeline {}: NATS at {} not reachable yet: {}", context.pipelineName(), url,
                        PublishErrors.describe(e));
                reschedule(nextPoll(), this::attempt);
                return;
            }
            try {
                // Connected is not enough: right after a restart JetStream may not answer yet.
                mine.connection().jetStreamManagement().getAccountStatistics();
            } catch (IOException | RuntimeException | io.nats.client.JetStreamApiException e) {
                LOG.debug("Pipeline {}: JetStream at {} not ready yet: {}", context.pipelineName(), url,
                        PublishErrors.describe(e));
                mine.close();
                reschedule(nextPoll(), this::attempt);
                return;
            }
            held = mine;
        }
        ConnectionEpoch own = mine;
        if (up.stream().anyMatch(c -> c != own.connection())) {
            // The publisher reconnected by itself meanwhile (a probe, a recovery round).
            held = null;
            own.close();
        } else if (handOver.test(own)) {
            held = null;
        } else {
            // The publisher is between two steps of its own reconnecting: offer it again shortly.
            reschedule(polls.delayNanos(0), this::attempt);
            return;
        }
        recovered();
    }

    /** @return the wait before the next attempt to reach the server; counts the attempt that just failed */
    private long nextPoll() {
        long wait = polls.delayNanos(pollsFailed);
        pollsFailed = Math.max(pollsFailed, pollsFailed + 1); // saturates
        return wait;
    }

    private void recovered() {
        if (closed) {
            return;
        }
        down = false;
        LOG.info("Pipeline {}: NATS connection to {} re-established", context.pipelineName(), url);
        context.available();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
        thread.shutdownNow();
        ConnectionEpoch mine = held;
        if (mine != null) {
            mine.close();
        }
    }
}
