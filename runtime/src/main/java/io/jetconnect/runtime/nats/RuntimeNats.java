package io.jetconnect.runtime.nats;

import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;

/**
 * The runtime's own share of a NATS connection (for the live feed; {@link NatsConnector#share}), opened on first
 * use so that the runtime starts while the broker is away, and given back with the runtime.
 */
public final class RuntimeNats implements AutoCloseable {

    private final NatsSettings settings;
    private io.jetconnect.nats.SharedConnections.Lease lease;

    public RuntimeNats(NatsSettings settings) {
        this.settings = settings;
    }

    /** @return the connection; connects on first call */
    public synchronized Connection connection() {
        if (lease == null) {
            lease = NatsConnector.share(settings);
        }
        return NatsConnector.connection(lease, settings);
    }

    public NatsSettings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
