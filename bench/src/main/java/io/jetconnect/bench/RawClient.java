package io.jetconnect.bench;

import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.nats.NatsConnections;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * jnats alone, the ceiling every figure is a ratio of: a {@code publishAsync} loop and a pull {@code fetch} loop,
 * plus the stream housekeeping the cases share. Connections get the options the {@code jetstream} sink gives its
 * own (requests flushed with the writer's next batch, an outgoing queue above the events in flight), so that a
 * ratio below 1 is jetconnect's own cost and not a difference in client tuning.
 */
final class RawClient {

    static final String MSG_ID = "Nats-Msg-Id";
    static final String CONTENT_TYPE = "content-type";

    private RawClient() {
    }

    static Connection connect(String url, int inFlight) throws IOException, InterruptedException {
        NatsConnections connections = NatsConnections.of(NatsSettings.builder(url)
                .connectionName("jetconnect-bench-raw").build());
        return connections.connect(connections.builder()
                .maxReconnects(0)
                .connectionTimeout(Duration.ofSeconds(10))
                .dontForceFlushOnRequest()
                .maxMessagesInOutgoingQueue(Math.max(Options.DEFAULT_MAX_MESSAGES_IN_OUTGOING_QUEUE,
                        inFlight + 1024))
                .build());
    }

    /** Creates a file stream as the {@code jetstream} sink provisions a declared one. */
    static void createStream(Connection connection, String name, String subjectPrefix)
            throws IOException, JetStreamApiException {
        connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name(name)
                .subjects(subjectPrefix + ".>")
                .storageType(StorageType.File)
                .duplicateWindow(Duration.ofMinutes(2))
                .replicas(1)
                .build());
    }

    /** Deletes a stream if it exists. */
    static void deleteStream(Connection connection, String name) throws IOException, JetStreamApiException {
        try {
            connection.jetStreamManagement().deleteStream(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamErrors.STREAM_NOT_FOUND) {
                throw e;
            }
        }
    }

    /** @return the number of messages a stream holds, or -1 if it does not exist */
    static long count(Connection connection, String name) throws IOException, JetStreamApiException {
        try {
            return connection.jetStreamManagement().getStreamInfo(name).getStreamState().getMsgCount();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return -1;
            }
            throw e;
        }
    }

    /** Checks that a stream holds exactly the events a run stored. */
    static void requireCount(Connection connection, String stream, long expected) throws Exception {
        long stored = count(connection, stream);
        if (stored != expected) {
            throw new IllegalStateException("stream " + stream + " holds " + stored + " messages, expected "
                    + expected);
        }
    }

    /**
     * A publish target: each event is the same structured body with its own {@code Nats-Msg-Id}, published with
     * {@code publishAsync}; its stage completes with the PubAck.
     */
    static LoadDriver.Target publisher(JetStream js, String subject, String idPrefix, byte[] body) {
        return event -> publish(js, subject, BenchEvents.id(idPrefix, event), body);
    }

    /** Publishes a structured event as the {@code jetstream} sink does: its id as {@code Nats-Msg-Id}. */
    static CompletableFuture<PublishAck> publish(JetStream js, String subject, String id, byte[] body) {
        Headers headers = new Headers();
        headers.put(MSG_ID, id);
        headers.put(CONTENT_TYPE, BenchEvents.STRUCTURED_CONTENT_TYPE);
        return js.publishAsync(subject, headers, body);
    }

    /** @return an ephemeral consumer that reads a stream from its start without acks, as a replay does */
    private static ConsumerConfiguration readAll() {
        return ConsumerConfiguration.builder().ackPolicy(AckPolicy.None).deliverPolicy(DeliverPolicy.All)
                .memStorage(true).numReplicas(1).inactiveThreshold(Duration.ofMinutes(1)).build();
    }

    /**
     * Reads a whole stream with a pull consumer without acks, {@code batch} messages per fetch, touching each
     * message's data and metadata.
     *
     * @return the messages read
     */
    static long fetchAll(Connection connection, String stream, long events, int batch) throws Exception {
        JetStreamSubscription subscription = connection.jetStream().subscribe(null,
                PullSubscribeOptions.builder().stream(stream).configuration(readAll()).build());
        long seen = 0;
        long touched = 0;
        long idle = 0;
        while (seen < events) {
            List<Message> messages = subscription.fetch(batch, Duration.ofSeconds(2));
            if (messages.isEmpty() && ++idle > 5) {
                throw new IllegalStateException("fetch: only " + seen + " of " + events + " messages after 10 s idle");
            }
            for (Message message : messages) {
                touched += message.getData().length + message.metaData().streamSequence();
            }
            seen += messages.size();
        }
        subscription.unsubscribe();
        if (touched == 0) {
            throw new IllegalStateException("fetch: nothing read");
        }
        return seen;
    }

    /**
     * Reads a whole stream with jnats' pipelined pull ({@code iterate}: the next pull request goes out before the
     * last batch is used up), no acks, {@code batch} messages per pull, touching each message.
     *
     * @return the messages read
     */
    static long iterateAll(Connection connection, String stream, long events, int batch) throws Exception {
        long seen = 0;
        long touched = 0;
        try (IterableConsumer messages = connection.getStreamContext(stream).createOrUpdateConsumer(readAll())
                .iterate(ConsumeOptions.builder().batchSize(batch).build())) {
            long idleSince = System.nanoTime();
            while (seen < events) {
                Message message = messages.nextMessage(500);
                if (message == null) {
                    if (System.nanoTime() - idleSince > 10_000_000_000L) {
                        throw new IllegalStateException("iterate: only " + seen + " of " + events
                                + " messages after 10 s idle");
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                touched += message.getData().length + message.metaData().streamSequence();
                seen++;
            }
        }
        if (touched == 0) {
            throw new IllegalStateException("iterate: nothing read");
        }
        return seen;
    }
}
