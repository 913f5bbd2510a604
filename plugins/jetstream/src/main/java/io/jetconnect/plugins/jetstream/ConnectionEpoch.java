package io.jetconnect.plugins.jetstream;

import io.nats.client.Connection;

/**
 * One NATS connection's lifetime: the sink publishes on it until it fails, then closes it and opens the next one
 * (see {@link NatsConnector} for why). Events remember the epoch they were sent on, so that a late answer from a
 * closed epoch is recognised.
 *
 * @param id a number counting up from 1 for each connection the sink opened
 * @param connection the connection
 * @param maxPayload the server's {@code max_payload}
 */
record ConnectionEpoch(int id, Connection connection, long maxPayload) {

    /** @return whether the connection is up */
    boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** Closes the connection; its pending PubAcks fail with a cancellation. Blocks briefly. */
    void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // closing is best effort: the epoch is abandoned either way
        }
    }
}
