package io.jetconnect.plugins.sign;

import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.nats.NatsConnections;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.time.Duration;

/**
 * Reads every message of a JetStream stream once, from its first sequence to the last sequence it had when the
 * read started, with an ordered consumer (ephemeral, no acks, nothing left on the server), and hands each one to
 * a visitor as a CloudEvent. Stops at that sequence or when the consumer has nothing pending (the last message
 * was deleted), and gives up when no message comes for {@code idle}.
 */
final class StreamEvents {

    private StreamEvents() {
    }

    /**
     * How far a read got.
     *
     * @param read the messages read
     * @param lastSequence the stream's last sequence when the read started
     * @param complete whether the read reached it (false when it stopped after {@code idle} without a message)
     */
    record Outcome(long read, long lastSequence, boolean complete) {
    }

    /**
     * @throws UsageException if the stream does not exist or NATS cannot be reached; the message is printable
     *     and carries the redacted URL only
     */
    static Outcome read(NatsSettings nats, String stream, Duration idle, EventVisitor visitor)
            throws UsageException, InterruptedException {
        try (Connection connection = connect(nats)) {
            StreamContext context;
            StreamState state;
            try {
                context = connection.getStreamContext(stream);
                state = context.getStreamInfo().getStreamState();
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                    throw new UsageException("stream " + stream + " does not exist on " + nats.redactedUrl());
                }
                throw new UsageException("cannot read stream " + stream + ": " + e.getErrorDescription()
                        + " (" + e.getApiErrorCode() + ")");
            }
            long last = state.getLastSequence();
            if (state.getMsgCount() == 0) {
                return new Outcome(0, last, true);
            }
            long read = 0;
            try (IterableConsumer consumer = context.createOrderedConsumer(
                    new OrderedConsumerConfiguration().deliverPolicy(DeliverPolicy.All)).iterate()) {
                while (true) {
                    Message message = consumer.nextMessage(idle);
                    if (message == null) {
                        return new Outcome(read, last, false);
                    }
                    long sequence = message.metaData().streamSequence();
                    if (sequence > last) {
                        return new Outcome(read, last, true);
                    }
                    read++;
                    String where = "seq " + sequence;
                    try {
                        visitor.event(where, NatsEventReader.read(message));
                    } catch (InvalidMessageException e) {
                        visitor.unreadable(where, e.getMessage());
                    }
                    // Nothing pending: the end of the stream, even when its last message was deleted.
                    if (sequence == last || message.metaData().pendingCount() == 0) {
                        return new Outcome(read, last, true);
                    }
                }
            }
        } catch (UsageException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // IOException, JetStreamApiException, jnats' status errors, and IterableConsumer.close's Exception.
            throw new UsageException("cannot read stream " + stream + " from " + nats.redactedUrl() + ": "
                    + redact(nats, e));
        }
    }

    private static Connection connect(NatsSettings nats) throws UsageException, InterruptedException {
        try {
            NatsConnections connections = NatsConnections.of(nats);
            return connections.connect(connections.builder()
                    .connectionName(nats.connectionName() + "-verify")
                    .connectionTimeout(Duration.ofSeconds(5))
                    .noReconnect()
                    // Failures surface as exceptions, reported once and redacted, not also as log lines.
                    .errorListener(new ErrorListener() { })
                    .build());
        } catch (IOException | JetconnectException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** @return the exception's message with every URL and secret of the settings redacted */
    private static String redact(NatsSettings nats, Exception e) {
        return NatsConnections.scrub(nats, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
