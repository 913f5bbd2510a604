package io.jetconnect.plugins.jetstream;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.nats.SharedConnections;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens NATS connections for the sink: the host's {@link NatsConnections} options (TLS, authentication) with the
 * sink's own fencing options and listeners that log through SLF4J with the redacted URL only.
 *
 * <p>Every connection is opened with jnats' own reconnect turned off ({@code maxReconnects(0)}) and its
 * reconnect buffer disabled ({@code reconnectBufferSize(0)}), and the sink reconnects by itself, forever, through
 * its {@link CircuitBreaker}. Why: on a reconnect jnats keeps the user messages still in its outgoing queue and
 * sends them first on the new socket ({@code NatsConnectionWriter.stop()} filters only protocol messages out),
 * while the messages that were in the dead socket's buffer are lost. Those queued messages would then be stored
 * ahead of the lost ones that the sink re-publishes, breaking per-subject order. Closing the connection drops its
 * queue and cancels its pending PubAcks at once, so each connection (a {@link ConnectionEpoch}) is a clean fence:
 * whatever the sink re-publishes on the next one goes out in emit order, and {@code Nats-Msg-Id} deduplicates
 * what the old one did store.
 *
 * <p>Sinks with the same NATS settings and {@code ack-timeout} share a few connections
 * ({@link SharedConnections}): closing a connection after a failure ({@link ConnectionEpoch#close} of a doomed
 * epoch) fences it for every sink on it, each of which then re-publishes in order on the next one, as above. A sink
 * that stops gives its share back ({@link #close()}); the last one closes the connection.
 */
final class NatsConnector {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    private final NatsConnections connections;
    /** The template of every connection's options. */
    private final Options options;
    /** This sink's share of a connection. */
    private final SharedConnections.Lease lease;
    private final ConnectionEpoch.Share share;
    private final String redactedUrl;
    private final String pipeline;
    private final AtomicInteger epochs = new AtomicInteger();
    /** Connections that got as far as CONNECTED, so that failed attempts are not logged as warnings. */
    private final Set<Connection> established = ConcurrentHashMap.newKeySet();
    /** Run on every connection opened after it is set (the stream check); null until then. */
    private volatile java.util.function.Consumer<Connection> onConnect;
    /** Told every connection event (the {@link ConnectionWatch}); a no-op until set. */
    private volatile java.util.function.BiConsumer<Connection, ConnectionListener.Events> watch = (c, e) -> { };

    /**
     * @param nats how to reach NATS
     * @param pipeline the pipeline's name, for logs
     * @param ackTimeout how long PubAcks and connection attempts may take
     * @param maxInFlight the most events the sink holds, to size jnats' outgoing queue above it
     * @throws JetconnectException if a TLS or credentials file cannot be used
     */
    NatsConnector(NatsSettings nats, String pipeline, Duration ackTimeout, int maxInFlight) {
        this(nats, pipeline, ackTimeout, maxInFlight, false);
    }

    /** @param ownConnection whether the sink keeps a connection of its own ({@code connection = own}) */
    NatsConnector(NatsSettings nats, String pipeline, Duration ackTimeout, int maxInFlight, boolean ownConnection) {
        this.redactedUrl = nats.redactedUrl();
        this.pipeline = pipeline;
        this.connections = NatsConnections.of(nats);
        this.options = connections.builder()
                .maxReconnects(0)
                .reconnectBufferSize(0)
                .connectionTimeout(ackTimeout)
                .requestCleanupInterval(ackTimeout)
                .useTimeoutException()
                // Requests are flushed with the writer's next batch rather than one write per message.
                .dontForceFlushOnRequest()
                // A publish nobody answers (no stream on the subject) fails its reply future with the 503 status
                // rather than cancelling it, so the failure says why.
                .reportNoResponders()
                // Above what the sinks sharing it can hold (each at most max-in-flight), so that a publish never
                // waits for room in the queue; the queue takes no room for what it does not hold.
                .maxMessagesInOutgoingQueue(Integer.MAX_VALUE)
                .build();
        // A key of its own (a new object) when the sink keeps its connection to itself.
        this.lease = connections.share(java.util.List.of("jetstream-sink", ackTimeout,
                ownConnection ? new Object() : "shared"), options);
        lease.listen(this::connectionEvent);
        this.share = new ConnectionEpoch.Share() {
            @Override
            public void release(Connection connection) {
                // shared: the lease keeps it for the other sinks, and closing the sink gives the lease back
            }

            @Override
            public void fence(Connection connection) {
                lease.fence(connection);
            }
        };
    }

    /** Gives this sink's share of the connection back; the last sink on it closes it. */
    void close() {
        lease.close();
    }

    /**
     * Runs a check on every connection this connector opens from now on, before it is handed out: the sink makes
     * sure its stream exists ({@link StreamProvisioner#recreateIfMissing}). The check must not throw.
     */
    void onConnect(java.util.function.Consumer<Connection> check) {
        this.onConnect = check;
    }

    /** Tells {@code listener} every event of every connection this connector opens. */
    void watch(java.util.function.BiConsumer<Connection, ConnectionListener.Events> listener) {
        this.watch = listener;
    }

    /** @return the redacted URL, for messages */
    String redactedUrl() {
        return redactedUrl;
    }

    /**
     * Takes the shared connection, or opens one if there is none (or it was fenced). Blocks for up to the
     * connection timeout; never call it on an emitting thread.
     *
     * @throws IOException if no server could be reached; the message is scrubbed of credentials
     */
    ConnectionEpoch connect() throws IOException, InterruptedException {
        // A copy of the options per connection (NatsConnections.connect makes it) keeps a closing connection from
        // stopping the executors of the next one; its message says why a connect failed, redacted.
        Connection connection = lease.connection();
        java.util.function.Consumer<Connection> check = onConnect;
        if (check != null) {
            check.accept(connection);
        }
        return new ConnectionEpoch(epochs.incrementAndGet(), connection, connection.getMaxPayload(), share);
    }

    private void connectionEvent(Connection connection, ConnectionListener.Events event) {
        // jnats calls listeners on its own threads: put the pipeline in the MDC there too.
        org.slf4j.MDC.put("pipeline", pipeline);
        watch.accept(connection, event);
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                established.add(connection);
                LOG.info("Pipeline {}: NATS connection to {} {}", pipeline, redactedUrl, event.getEvent());
            }
            case DISCONNECTED, LAME_DUCK -> {
                if (established.contains(connection)) {
                    LOG.warn("Pipeline {}: NATS connection to {} {}", pipeline, redactedUrl, event.getEvent());
                } else {
                    LOG.debug("Pipeline {}: NATS connection attempt to {} {}", pipeline, redactedUrl,
                            event.getEvent());
                }
            }
            default -> {
                if (event == ConnectionListener.Events.CLOSED) {
                    established.remove(connection);
                }
                LOG.debug("Pipeline {}: NATS connection to {} {}", pipeline, redactedUrl, event.getEvent());
            }
        }
    }
}
