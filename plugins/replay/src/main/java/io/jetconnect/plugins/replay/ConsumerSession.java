package io.jetconnect.plugins.replay;

import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.nats.SharedConnections;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's hold on NATS: a share of a connection (which reconnects by itself, and which other sources may read
 * on too), the stream, and the consumer it reads with, pulled through jnats' pipelined {@code iterate}
 * ({@code batch-size} per pull request, the next sent before the last batch is used up). The consumer may be
 * closed and opened again many times on one connection (a lost consumer, a rewind); an ephemeral one is deleted
 * when closed, and a reconnect re-opens it (a pull request may have gone with the old socket). Closing the session
 * unsubscribes its own subscription and gives its share back: it never closes a connection others may share (the
 * last share given back does); a connection to a server without JetStream is fenced, for every sharer. Owned by
 * the source's thread.
 *
 * <p>A shared connection does not let one source hold up another: {@code iterate} reads through a subscription of
 * its own (no dispatcher), onto which the connection's reader only enqueues, and what the server sends it is
 * bounded by the pulls ({@code batch-size}, about two batches ahead), far below jnats' per-subscription
 * slow-consumer limits; a subscription over them would lose only its own messages, which the consumer sequence
 * shows and a re-created consumer reads again.
 */
final class ConsumerSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerSession.class);

    private final NatsConnector connector;
    private final NatsSettings nats;
    private final ReplaySettings settings;
    private final StreamConsumers consumers;
    private final String label;
    private SharedConnections.Lease lease;
    private Connection connection;
    private StreamContext stream;
    private StreamConsumers.Opened consumer;
    private IterableConsumer messages;
    /** Set by the connection's thread on {@code RECONNECTED}, cleared by the source's. */
    private volatile boolean reconnected;

    ConsumerSession(NatsConnector connector, NatsSettings nats, ReplaySettings settings, StreamConsumers consumers,
                    String label) {
        this.connector = connector;
        this.nats = nats;
        this.settings = settings;
        this.consumers = consumers;
        this.label = label;
    }

    /** @return whether a connection is held (it may be reconnecting; a closed one is held no more) */
    boolean connected() {
        return connection != null && connection.getStatus() != Connection.Status.CLOSED;
    }

    /** @return whether a consumer is open to read from */
    boolean reading() {
        return messages != null;
    }

    /**
     * @return whether the connection reconnected since the last call: a pull request sent before may have been lost
     *     with the old socket, and the read would then wait for the heartbeat alarm; the caller opens the consumer
     *     again instead. Any thread's {@code RECONNECTED} counts: it is one connection, shared or not.
     */
    boolean reconnectedSinceAsked() {
        if (!reconnected) {
            return false;
        }
        reconnected = false;
        return true;
    }

    /**
     * Connects once; the caller retries.
     *
     * @throws IOException if the server cannot be reached, refuses the credentials or has no JetStream
     */
    void connect() throws IOException, InterruptedException {
        if (connection != null) {
            // Closed under it (jnats gave up, or a sharer closed it): its consumer and stream went with it.
            closeConsumer();
            connection = null;
            stream = null;
        }
        if (lease == null) {
            lease = connector.lease();
            lease.listen((c, event) -> {
                if (event == ConnectionListener.Events.RECONNECTED) {
                    reconnected = true;
                }
            });
        }
        Connection opened = lease.connection();
        java.util.Optional<String> disabled = io.jetconnect.nats.JetStreamAvailability.disabled(opened,
                nats.redactedUrl());
        if (disabled.isPresent()) {
            // A server without JetStream is a healthy connection jnats never leaves: closed for every sharer (none
            // can read on it either), so that the retry opens a new one, maybe to another server of the list.
            lease.fence(opened);
            throw new IOException(disabled.get());
        }
        reconnected = false;
        connection = opened;
        LOG.info("{}: connected to NATS at {}", label, nats.redactedUrl());
    }

    /** @return the stream's state now; a stream that does not exist (yet) is an outage to wait out */
    StreamState streamState() throws IOException, JetStreamApiException {
        if (stream == null) {
            try {
                stream = connection.getStreamContext(settings.streamName());
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                    throw new IOException("stream " + settings.streamName() + " does not exist (yet)");
                }
                throw e;
            }
        }
        return stream.getStreamInfo().getStreamState();
    }

    /**
     * Creates (ephemeral) or binds (durable) the consumer at a position, after checking it against the stream's
     * retention; {@link #read()} starts pulling.
     *
     * @throws io.jetconnect.spi.JetconnectException if a gap fails the read or the durable consumer does not fit
     */
    StreamConsumers.Opened open(StreamState state, StartPosition begin, boolean resuming)
            throws IOException, JetStreamApiException {
        consumer = settings.isDurable()
                ? consumers.durable(stream, state, begin, resuming)
                : consumers.ephemeral(stream, state, begin, resuming);
        return consumer;
    }

    /** Starts pulling from the consumer {@link #open} made. */
    void read() throws IOException, JetStreamApiException {
        messages = consumer.consumer().iterate(ConsumeOptions.builder().batchSize(settings.batchSize()).build());
    }

    /** @return the next message, or null if none came within {@code millis} */
    Message next(long millis) throws JetStreamStatusCheckedException, InterruptedException {
        return messages.nextMessage(millis);
    }

    /** @return the consumer's info, or null (and the consumer closed, to be opened again) if the server lost it */
    ConsumerInfo consumerInfo() throws IOException, JetStreamApiException {
        try {
            return consumer.consumer().getConsumerInfo();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == StreamConsumers.CONSUMER_NOT_FOUND) {
                closeConsumer();
                return null;
            }
            throw e;
        }
    }

    /**
     * Lets the acks sent reach the server, then asks where the durable consumer's ack floor is.
     *
     * @return the ack floor, or -1 when it cannot be known now
     */
    long settledAckFloor(Duration flushTimeout) {
        if (connection == null || stream == null) {
            return -1;
        }
        try {
            connection.flush(flushTimeout);
            ConsumerInfo info = StreamConsumers.lookup(stream, settings.durable());
            return info == null ? -1 : info.getAckFloor().getStreamSequence();
        } catch (IOException | JetStreamApiException | TimeoutException | RuntimeException e) {
            LOG.debug("{}: cannot read the durable consumer's ack floor: {}", label, ReplayLoop.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Stops reading; an ephemeral consumer is deleted (the server would remove it after its threshold anyway). */
    void closeConsumer() {
        IterableConsumer current = messages;
        messages = null;
        StreamConsumers.Opened closed = consumer;
        consumer = null;
        if (current != null) {
            try {
                current.stop();
                current.close();
            } catch (Exception e) {
                LOG.debug("{}: closing the consumer: {}", label, ReplayLoop.describe(e));
            }
        }
        String name = closed == null ? null : closed.ephemeralName();
        if (name == null || stream == null || connection == null
                || connection.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            stream.deleteConsumer(name);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("{}: could not delete consumer {}: {}", label, name, ReplayLoop.describe(e));
        }
    }

    /** Closes the consumer and gives the share of the connection back (the last share closes it). */
    @Override
    public void close() {
        closeConsumer();
        SharedConnections.Lease held = lease;
        lease = null;
        connection = null;
        stream = null;
        if (held != null) {
            held.close();
        }
    }
}
