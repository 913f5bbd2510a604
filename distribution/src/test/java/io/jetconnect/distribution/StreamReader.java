package io.jetconnect.distribution;

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads every message of a stream back with jnats, for assertions. */
public final class StreamReader {

    private StreamReader() {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * @return the CloudEvent id of a stored message: its {@code ce-id} header (binary mode) or the {@code id} of its
     *     JSON body (structured). Not {@code Nats-Msg-Id}, which is a digest of source and id by default.
     */
    public static String eventId(Message m) {
        return eventId(m.getHeaders(), m.getData());
    }

    /** @return the CloudEvent id of a message read with {@code getLastMessage}/{@code getMessage} */
    public static String eventId(io.nats.client.api.MessageInfo m) {
        return eventId(m.getHeaders(), m.getData());
    }

    private static String eventId(io.nats.client.impl.Headers headers, byte[] data) {
        String header = headers == null ? null : headers.getFirst("ce-id");
        if (header != null) {
            return header;
        }
        try {
            return JSON.readTree(data).path("id").asText(null);
        } catch (java.io.IOException e) {
            throw new AssertionError("stored message is not a JSON event", e);
        }
    }

    /** @return every message of the stream, in stream order */
    public static List<Message> readAll(String url, String stream) throws Exception {
        try (Connection nc = Nats.connect(url)) {
            long last = nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
            List<Message> out = new ArrayList<>();
            if (last == 0) {
                return out;
            }
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.builder()
                    .stream(stream)
                    .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All)
                            .ackPolicy(io.nats.client.api.AckPolicy.None).build())
                    .build());
            while (out.isEmpty() || out.get(out.size() - 1).metaData().streamSequence() < last) {
                List<Message> batch = sub.fetch(1000, Duration.ofSeconds(2));
                if (batch.isEmpty()) {
                    break;
                }
                out.addAll(batch);
            }
            sub.unsubscribe();
            return out;
        }
    }
}
