package io.jetconnect.plugins.jetstream;

import io.nats.client.Connection;

/**
 * One NATS connection's lifetime as the sink sees it: the sink publishes on it until it fails, then closes it and
 * uses the next one (see {@link NatsConnector} for why). Events remember the epoch they were sent on, so that a late
 * answer from a closed epoch is recognised.
 *
 * <p>The connection may be shared with the sinks of other pipelines ({@link io.jetconnect.nats.SharedConnections}).
 * Closing an epoch the sink {@linkplain #doom() doomed} (a transport failure, an overdue PubAck, a lost connection)
 * fences the connection: it is closed for every sink sharing it, which settles what each had in flight, and each
 * goes on with the next connection in order. Closing any other epoch (the sink stops, a spare connection) only
 * stops this sink using it; a connection of the sink's own is closed either way.
 */
final class ConnectionEpoch {

    /** What closing an epoch does to its connection. */
    interface Share {
        /** The sink is done with the connection, which is fine. */
        void release(Connection connection);

        /** The connection failed the sink: nothing sent on it may still be queued or awaited. */
        void fence(Connection connection);
    }

    /** A connection of the sink's own (tests, benchmarks): closed either way. */
    static final Share OWN = new Share() {
        @Override
        public void release(Connection connection) {
            closeQuietly(connection);
        }

        @Override
        public void fence(Connection connection) {
            closeQuietly(connection);
        }
    };

    private final int id;
    private final Connection connection;
    private final long maxPayload;
    private final Share share;
    private volatile boolean doomed;

    /**
     * @param id a number counting up from 1 for each connection the sink took
     * @param connection the connection, of the sink's own
     * @param maxPayload the server's {@code max_payload}
     */
    ConnectionEpoch(int id, Connection connection, long maxPayload) {
        this(id, connection, maxPayload, OWN);
    }

    ConnectionEpoch(int id, Connection connection, long maxPayload, Share share) {
        this.id = id;
        this.connection = connection;
        this.maxPayload = maxPayload;
        this.share = share;
    }

    int id() {
        return id;
    }

    Connection connection() {
        return connection;
    }

    long maxPayload() {
        return maxPayload;
    }

    /** @return whether the connection is up */
    boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** Marks the connection as failed: closing the epoch then fences it. */
    void doom() {
        doomed = true;
    }

    /**
     * Closes the epoch: fences the connection if the epoch was {@linkplain #doom() doomed}, else only leaves it.
     * Pending PubAcks of a closed connection fail with a cancellation. Blocks briefly.
     */
    void close() {
        if (doomed) {
            share.fence(connection);
        } else {
            share.release(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // closing is best effort: the epoch is abandoned either way
        }
    }

    @Override
    public String toString() {
        return "epoch " + id + (doomed ? " (doomed)" : "");
    }
}
