package io.jetconnect.runtime.nats;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/**
 * The runtime's own NATS connections (cursor store, CLI verbs): {@link NatsConnections}' options plus endless
 * reconnects. Error messages carry the redacted URL only.
 */
public final class NatsConnector {

    private NatsConnector() {
    }

    /** @return jnats options for these settings */
    public static Options options(NatsSettings settings) {
        return options(NatsConnections.of(settings));
    }

    private static Options options(NatsConnections connections) {
        return connections.builder()
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Connects, trying once.
     *
     * @throws RetriableException when the server cannot be reached now or refuses the credentials
     * @throws io.jetconnect.spi.ConfigurationException when a TLS or credentials file cannot be used
     */
    public static Connection connect(NatsSettings settings) {
        NatsConnections connections = NatsConnections.of(settings);
        try {
            return connections.connect(options(connections));
        } catch (IOException e) {
            throw new RetriableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while connecting to NATS at " + settings.redactedUrl());
        }
    }

    /**
     * Takes a share of the runtime's connection for these settings ({@link NatsConnections#share}): the cursor
     * stores of every pipeline and the live feed use a few connections between them, not one each. Connects on
     * the lease's first {@code connection()}.
     *
     * @throws io.jetconnect.spi.ConfigurationException when a TLS or credentials file cannot be used
     */
    public static io.jetconnect.nats.SharedConnections.Lease share(NatsSettings settings) {
        NatsConnections connections = NatsConnections.of(settings);
        return connections.share("runtime", options(connections));
    }

    /**
     * @return the lease's connection
     * @throws RetriableException when the server cannot be reached now or refuses the credentials
     */
    public static Connection connection(io.jetconnect.nats.SharedConnections.Lease lease, NatsSettings settings) {
        try {
            return lease.connection();
        } catch (IOException e) {
            throw new RetriableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while connecting to NATS at " + settings.redactedUrl());
        }
    }

    /**
     * Closes a connection. Closing waits for the connection's threads; an interrupt meanwhile is kept on the
     * thread for its caller to see.
     */
    public static void close(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
