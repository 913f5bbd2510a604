package io.jetconnect.plugins.replay;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/**
 * The replay source's and {@code tail}'s connections: the host's {@link NatsConnections} options (TLS,
 * authentication, redacted logging) with reconnects without end.
 */
final class NatsConnector {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

    private final NatsConnections connections;
    private final Options options;

    /**
     * @param nats the settings
     * @param name the connection name shown by the server's monitoring
     * @throws io.jetconnect.spi.JetconnectException if a TLS or credentials file cannot be used
     */
    NatsConnector(NatsSettings nats, String name) {
        this.connections = NatsConnections.of(nats);
        this.options = connections.builder()
                .connectionName(name)
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxReconnects(-1)
                .reconnectWait(RECONNECT_WAIT)
                .build();
    }

    /**
     * Connects once (the caller retries); the connection then reconnects by itself for ever.
     *
     * @throws IOException if the server cannot be reached now or refuses the credentials; its message is safe to
     *     log
     */
    Connection connect() throws IOException, InterruptedException {
        return connections.connect(options);
    }

    /** Connects once with a connector made for the purpose. */
    static Connection connect(NatsSettings nats, String name) throws IOException, InterruptedException {
        Connection connection = new NatsConnector(nats, name).connect();
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
