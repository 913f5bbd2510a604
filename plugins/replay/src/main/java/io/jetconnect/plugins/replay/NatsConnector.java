package io.jetconnect.plugins.replay;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.nats.SharedConnections;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The replay and live-tail sources' and {@code tail}'s connections: the host's {@link NatsConnections} options (TLS,
 * authentication, redacted logging) with reconnects without end.
 *
 * <p>Sources of the same NATS settings share a few connections ({@link SharedConnections}, the group
 * {@code replay-source}); a source with {@code connection = own} has a group of its own, named in logs after its
 * pipeline and type ({@code orders-replay#0}). A source does not close its connection on an outage: jnats
 * reconnects it for ever, and the sources re-create their consumers (see {@link ConsumerSession}), so the sharers are
 * not cut; only a connection to a server without JetStream, useless to every sharer, is fenced. Not shared with the jetstream sinks: theirs reconnect only by being closed and
 * opened again (a fence, {@code maxReconnects(0)}), which would cut every consumer on them; nor with the runtime's
 * cursor stores, so that a fast replay's deliveries do not queue ahead of the cursor writes on one socket.
 */
final class NatsConnector {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

    private final NatsConnections connections;
    private final Options options;
    /** The sharing group's key: equal for every shared source, an object of its own for {@code connection = own}. */
    private final Object profile;

    /**
     * @param nats the settings
     * @param name the connection name shown by the server's monitoring
     * @param profile the sharing group's key, or null for a connector that only connects on its own
     * @throws io.jetconnect.spi.JetconnectException if a TLS or credentials file cannot be used
     */
    private NatsConnector(NatsSettings nats, String name, Object profile) {
        this.connections = NatsConnections.of(nats);
        this.options = connections.builder()
                .connectionName(name)
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxReconnects(-1)
                .reconnectWait(RECONNECT_WAIT)
                .build();
        this.profile = profile;
    }

    /**
     * @param ownConnection whether the source keeps a connection of its own ({@code connection = own})
     * @throws io.jetconnect.spi.JetconnectException if a TLS or credentials file cannot be used
     */
    static NatsConnector source(NatsSettings nats, String pipeline, String type, boolean ownConnection) {
        // A shared connection is no one pipeline's: its name says only whose group it is.
        return ownConnection
                ? new NatsConnector(nats, nats.connectionName() + "-" + pipeline + "-" + type,
                        List.of(pipeline + "-" + type, new Object())) // logged as the pipeline's, not "replay-source#0"
                : new NatsConnector(nats, nats.connectionName() + "-replay", List.of("replay-source", "shared"));
    }

    /** @return a share of a connection of this connector's group; close it, never the connection, when done */
    SharedConnections.Lease lease() {
        return connections.share(profile, options);
    }

    /** @return a share of a connection of this connector's group that is open now (a running source's), if any */
    java.util.Optional<SharedConnections.Lease> leaseOpen() {
        return connections.shareOpen(profile);
    }

    /** Connects once, to a connection of the caller's own, with a connector made for the purpose. */
    static Connection connect(NatsSettings nats, String name) throws IOException, InterruptedException {
        NatsConnector own = new NatsConnector(nats, name, null);
        Connection connection = own.connections.connect(own.options);
        // Without JetStream every read would time out with no word of why: say it, and retry like any outage.
        java.util.Optional<String> disabled = io.jetconnect.nats.JetStreamAvailability.disabled(connection,
                nats.redactedUrl());
        if (disabled.isPresent()) {
            connection.close();
            throw new IOException(disabled.get());
        }
        return connection;
    }

    /** @return the exception's message with the settings' URLs and secrets, and any userinfo, redacted */
    static String redact(NatsSettings nats, Throwable e) {
        return NatsConnections.scrub(nats, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
