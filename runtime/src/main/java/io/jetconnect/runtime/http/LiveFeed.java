package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.nats.StructuredJson;
import io.jetconnect.runtime.nats.RuntimeNats;
import io.jetconnect.spi.StreamSpec;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/streams/{stream}/events?since=SEQ&subject=S}: a stream's events as Server-Sent Events. Each
 * event's {@code id:} is its stream sequence, so a client that reconnects with {@code Last-Event-ID} resumes
 * right after it. Without {@code since} only new events are sent; with it, from {@code since + 1}. When that is
 * below the stream's first retained sequence, a distinct {@code event: gap} carrying {@code firstSequence} is sent
 * before the first event, instead of skipping ahead silently.
 *
 * <p>Each client gets its own ephemeral pull consumer (with an inactive threshold, so a dead runtime's consumers
 * are collected by the server) and its own thread. Nothing is buffered beyond one fetched batch: a client that
 * falls more than {@code max-lag} events behind, or whose socket accepts nothing for {@code write-timeout}, is
 * disconnected with a reason (an {@code event: error} when it can still be written, the log otherwise). Closing
 * the connection deletes the consumer.
 *
 * <p>The same resource answers a WebSocket upgrade with the same {@code since}, {@code subject}, limits and clean-up:
 * one JSON object per text frame, {@code {"type": "cloudevent", "sequence": N, "event": {...}}}, and
 * {@code "type": "gap"} (with {@code requested}, {@code firstSequence}), {@code "invalid"} or {@code "error"} (with
 * {@code reason}) for what SSE sends as named events; an idle feed sends a ping every second.
 */
public final class LiveFeed {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    /** The live feed's limits, from {@code jetconnect.http.live-feed}. */
    public record Settings(int maxClients, long maxLag, Duration writeTimeout, Duration inactiveThreshold,
                           int batch) {
    }

    private final RuntimeNats nats;
    private final Function<String, StreamSpec> streams;
    private final Settings settings;
    private final Semaphore clients;
    private final ScheduledExecutorService watchdog;

    public LiveFeed(RuntimeNats nats, Function<String, StreamSpec> streams, Settings settings,
                    ScheduledExecutorService watchdog) {
        this.nats = nats;
        this.streams = streams;
        this.settings = settings;
        this.clients = new Semaphore(settings.maxClients());
        this.watchdog = watchdog;
    }

    /** Serves one Server-Sent Events client on a thread of its own; returns at once. */
    void serve(Exchange exchange, String streamRef) {
        Long since = since(exchange, exchange.getRequestHeaders().getFirst("Last-Event-ID"));
        if (since == null && exchange.answered()) {
            return;
        }
        start(exchange, streamRef, since, () -> new FeedOut.Sse(exchange, settings.writeTimeout()));
    }

    /** Serves one WebSocket client on a thread of its own; returns at once. */
    void serveWebSocket(Exchange exchange, String streamRef) {
        Long since = since(exchange, null);
        if (since == null && exchange.answered()) {
            return;
        }
        exchange.request().toWebSocket().onComplete(ws -> {
            if (ws.failed()) {
                LOG.debug("live feed: WebSocket upgrade failed: {}", ws.cause().toString());
                return;
            }
            FeedOut.WebSocket out = new FeedOut.WebSocket(ws.result(), exchange.context(), settings.writeTimeout());
            start(exchange, streamRef, since, () -> out);
        });
    }

    /** @return since, null when absent; answers 400 (and returns null) when it is not a sequence */
    private static Long since(Exchange exchange, String lastEventId) {
        Map<String, String> query = query(exchange.request().query());
        try {
            String text = lastEventId != null ? lastEventId : query.get("since");
            Long since = text == null ? null : Long.parseLong(text.trim());
            if (since != null && since < 0) {
                throw new NumberFormatException();
            }
            return since;
        } catch (NumberFormatException e) {
            HttpListener.sendError(exchange, 400, "since (or Last-Event-ID) must be a stream sequence >= 0");
            return null;
        }
    }

    private void start(Exchange exchange, String streamRef, Long since,
                       java.util.function.Supplier<FeedOut> output) {
        FeedOut out = output.get();
        if (!clients.tryAcquire()) {
            out.refuse(503, "too many live-feed clients (max " + settings.maxClients() + ")");
            return;
        }
        StreamSpec stream = streams.apply(streamRef);
        String subject = query(exchange.request().query()).get("subject");
        Thread thread = new Thread(() -> {
            try {
                stream(out, stream, subject, since);
            } finally {
                clients.release();
                out.close();
            }
        }, "jetconnect-feed-" + stream.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void stream(FeedOut out, StreamSpec stream, String subject, Long since) {
        JetStreamSubscription sub = null;
        try {
            StreamInfo info;
            try {
                info = nats.connection().jetStreamManagement().getStreamInfo(stream.name());
            } catch (JetStreamApiException e) {
                out.refuse(404, "no stream '" + stream.name() + "'");
                return;
            }
            long first = info.getStreamState().getFirstSequence();
            ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder()
                    .ackPolicy(AckPolicy.None)
                    .inactiveThreshold(settings.inactiveThreshold());
            if (subject != null && !subject.isBlank()) {
                consumer.filterSubject(subject);
            }
            boolean gap = false;
            if (since == null) {
                consumer.deliverPolicy(DeliverPolicy.New);
            } else {
                long start = since + 1;
                gap = start < first && info.getStreamState().getMsgCount() > 0;
                consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(Math.max(start, first));
            }
            sub = nats.connection().jetStream().subscribe(null, PullSubscribeOptions.builder()
                    .stream(stream.name()).configuration(consumer.build()).build());
            out.open();
            if (gap) {
                out.gap(since + 1, first);
            } else {
                out.connected();
            }
            while (!Thread.currentThread().isInterrupted() && !out.closed()) {
                List<Message> batch = sub.fetch(settings.batch(), Duration.ofSeconds(1));
                if (batch.isEmpty()) {
                    out.keepAlive();
                    continue;
                }
                out.events(batch);
                long pending = batch.get(batch.size() - 1).metaData().pendingCount();
                if (pending > settings.maxLag()) {
                    LOG.warn("live feed of {}: client {} events behind (max {}); disconnecting", stream.name(),
                            pending, settings.maxLag());
                    out.error("client too slow: " + pending + " events behind, max " + settings.maxLag());
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("live feed client of {} went away: {}", stream.name(), e.toString());
        } catch (RuntimeException | JetStreamApiException e) {
            LOG.warn("live feed of {} ended: {}", stream.name(), e.getMessage());
        } finally {
            if (sub != null) {
                // Unsubscribing leaves a pull consumer on the server until its inactive threshold; delete it now.
                try {
                    String consumer = sub.getConsumerName();
                    sub.unsubscribe();
                    nats.connection().jetStreamManagement().deleteConsumer(stream.name(), consumer);
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    LOG.debug("live feed consumer of {} left to expire: {}", stream.name(), e.toString());
                }
            }
        }
    }

    /**
     * @return the event as the JSON format writes it, or null when the message is no CloudEvent
     */
    static byte[] json(Message m) {
        try {
            // Events go out in the JSON format, whichever mode they were stored in, written by the one writer
            // that never lets data become members (the SDK's format copies data without a content type raw).
            return StructuredJson.write(NatsEventReader.read(m));
        } catch (InvalidMessageException | RuntimeException notACloudEvent) {
            return null;
        }
    }

    /** @return what is sent for a message that is no CloudEvent */
    static ObjectNode invalid(Message m) {
        return HttpListener.JSON.createObjectNode().put("sequence", m.metaData().streamSequence())
                .put("subject", m.getSubject()).put("error", "not a CloudEvent");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }
}
