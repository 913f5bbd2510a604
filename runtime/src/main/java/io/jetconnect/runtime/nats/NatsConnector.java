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
