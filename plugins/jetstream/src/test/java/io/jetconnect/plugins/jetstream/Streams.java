package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.testing.SampleEvents;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Small helpers of the integration tests: events, and reading a stream back with jnats. */
final class Streams {

    private Streams() {
    }

    /** A message as the stream stored it. */
    record Stored(long seq, String subject, Headers headers, byte[] data) {
        String msgId() {
            return headers == null ? null : headers.getFirst("Nats-Msg-Id");
        }

        /** @return the CloudEvent id: the {@code ce-id} header (binary mode) or the body's {@code id} */
        String eventId() {
            String header = headers == null ? null : headers.getFirst("ce-id");
            if (header != null) {
                return header;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":\"([^\"]*)\"").matcher(text());
            return m.find() ? m.group(1) : null;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** @return an event with JSON data {@code {"tenantId": tenant, "n": n}} (no tenantId when tenant is null) */
    static CloudEvent event(String id, String tenant, long n) {
        String data = tenant == null ? "{\"n\":" + n + "}"
                : "{\"tenantId\":\"" + tenant + "\",\"n\":" + n + "}";
        return SampleEvents.json(id, data);
    }

    /** @return the failure a stage completed with within 10 s (a timeout counts as one), or null on success */
    static Throwable failureOf(CompletableFuture<Void> stage) {
        try {
            stage.orTimeout(10, TimeUnit.SECONDS).join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /**
     * @return the failure a stage completed with within {@code seconds}, or null on success; a stage still pending
     *     then throws {@link java.util.concurrent.TimeoutException}
     */
    static Throwable failureWithin(CompletableFuture<Void> stage, long seconds) throws Exception {
        try {
            stage.get(seconds, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    /** @return an opened jetstream sink */
    static JetStreamSink open(TestContexts contexts) {
        JetStreamSink sink = new JetStreamSink();
        sink.open(contexts.sink());
        return sink;
    }

    /** @return a plain connection that logs nothing of its own */
    static Connection connect(String url) throws IOException, InterruptedException {
        return Nats.connect(new Options.Builder().server(url).errorListener(new ErrorListener() {
        }).build());
    }

    /** @return every message of the stream, in stream order */
    static List<Stored> readAll(String url, String stream) throws Exception {
        try (Connection nc = connect(url)) {
            StreamInfo info = nc.jetStreamManagement().getStreamInfo(stream);
            long count = info.getStreamState().getMsgCount();
            List<Stored> out = new ArrayList<>();
            if (count == 0) {
                return out;
            }
            JetStreamSubscription sub = nc.jetStream().subscribe(">",
                    PushSubscribeOptions.builder().stream(stream).ordered(true).build());
            while (out.size() < count) {
                Message m = sub.nextMessage(Duration.ofSeconds(5));
                if (m == null) {
                    throw new AssertionError("stream " + stream + " holds " + count + " messages, read only "
                            + out.size());
                }
                out.add(new Stored(m.metaData().streamSequence(), m.getSubject(), m.getHeaders(), m.getData()));
            }
            sub.unsubscribe();
            return out;
        }
    }

    /** @return how many messages the stream holds */
    static long count(String url, String stream) throws IOException, InterruptedException, JetStreamApiException {
        try (Connection nc = connect(url)) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }

    /** The sink's circuit is closed and it is not reconnecting: what its meters say once NATS is back. */
    static void assertConnected(TestContexts contexts) {
        assertEquals(0.0, sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream"), "circuit state");
        assertEquals(0.0, sample(contexts, "jetconnect_sink_reconnect_attempt", "sink", "jetstream"),
                "reconnect attempt");
    }

    /**
     * @param name the Prometheus name of the sample
     * @param labels label pairs that the sample must carry, as {@code key, value, ...}
     * @return the value of that sample of the Prometheus scrape, or NaN when absent
     */
    static double sample(TestContexts contexts, String name, String... labels) {
        for (String line : contexts.registry().scrape().split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** Closes a sink, ignoring nothing: close must not throw. */
    static void close(EventSink sink) {
        sink.close();
    }
}
