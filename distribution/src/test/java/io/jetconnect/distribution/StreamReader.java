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
