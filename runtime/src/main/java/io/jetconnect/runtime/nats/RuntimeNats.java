package io.jetconnect.runtime.nats;

import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;

/**
 * The runtime's own shared NATS connection (for the live feed), opened on first use so that the runtime starts
 * while the broker is away, and closed with the runtime.
 */
public final class RuntimeNats implements AutoCloseable {

    private final NatsSettings settings;
    private Connection connection;

    public RuntimeNats(NatsSettings settings) {
        this.settings = settings;
    }

    /** @return the connection; connects on first call */
    public synchronized Connection connection() {
        if (connection == null) {
            connection = NatsConnector.connect(settings);
        }
        return connection;
    }

    public NatsSettings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            NatsConnector.close(connection);
            connection = null;
        }
    }
}
