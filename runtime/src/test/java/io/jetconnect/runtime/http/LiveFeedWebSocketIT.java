package io.jetconnect.runtime.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.runtime.JetconnectRuntime;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The live feed as a WebSocket, read with the JDK's WebSocket client, from a real runtime and nats-server. */
@ExtendWith(NatsServerExtension.class)
class LiveFeedWebSocketIT {

    /** Decimals as written, so that a test can tell 1.50 from 1.5. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    @TempDir
    Path dir;

    private JetconnectRuntime runtime;
    private Connection nc;

    @BeforeEach
    void start(NatsServer nats) throws Exception {
        nc = Nats.connect(nats.url());
        runtime = LiveFeedIT.start(dir, nats.url(), "");
    }

    @AfterEach
    void stop() throws InterruptedException {
        runtime.close();
        nc.close();
    }

    /** Text frames as they arrive, and whether the server closed. */
    private static final class Frames implements WebSocket.Listener {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    frames.add(JSON.createObjectNode().put("unparsable", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        JsonNode next() throws InterruptedException {
            JsonNode frame = frames.poll(15, TimeUnit.SECONDS);
            assertTrue(frame != null, "a frame within 15 s");
            return frame;
        }
    }

    private WebSocket open(String pathAndQuery, Frames frames) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + runtime.httpPort() + pathAndQuery), frames)
                .get(10, TimeUnit.SECONDS);
    }

    private void stream(String name, String prefix, long maxMsgs) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(prefix + ".>")
                .storageType(StorageType.File).maxMessages(maxMsgs).build());
    }

    private void publish(String subject, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            nc.jetStream().publish(subject, ("{\"specversion\":\"1.0\",\"id\":\"e" + i + "\",\"source\":\"/t\","
                    + "\"type\":\"t\",\"datacontenttype\":\"application/json\",\"data\":{\"n\": 1.50}}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private int consumers(String stream) throws Exception {
        return nc.jetStreamManagement().getConsumerNames(stream).size();
    }

    @Test
    void sinceAndSubjectGiveOneJsonEventPerTextFrameAndClosingReleasesTheConsumer() throws Exception {
        stream("WS_SINCE", "ws.since", -1);
        publish("ws.since.a", 0, 5);
        publish("ws.since.b", 5, 10);
        Frames frames = new Frames();
        WebSocket ws = open("/v1/streams/WS_SINCE/events?since=2&subject=ws.since.a", frames);
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode frame = frames.next();
            assertEquals("cloudevent", frame.path("type").asText(), frame.toString());
            sequences.add(frame.path("sequence").asLong());
            assertEquals("e" + (2 + i), frame.path("event").path("id").asText(), frame.toString());
        }
        assertEquals(List.of(3L, 4L, 5L), sequences);
        publish("ws.since.b", 10, 11);
        publish("ws.since.a", 11, 12);
        JsonNode live = frames.next();
        assertEquals(12, live.path("sequence").asLong(), "only the filtered subject: " + live);
        assertEquals("1.50", live.path("event").path("data").path("n").decimalValue().toPlainString(),
                "data as stored");
        assertEquals(1, consumers("WS_SINCE"));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> consumers("WS_SINCE") == 0);
    }

    @Test
    void sinceBelowTheRetainedFloorGetsAGapFrameFirst() throws Exception {
        stream("WS_GAP", "ws.gap", 20);
        publish("ws.gap.a", 0, 50);
        Frames frames = new Frames();
        WebSocket ws = open("/v1/streams/WS_GAP/events?since=3", frames);
        JsonNode gap = frames.next();
        assertEquals("gap", gap.path("type").asText(), gap.toString());
        assertEquals(4, gap.path("requested").asLong());
        assertEquals(31, gap.path("firstSequence").asLong());
        assertEquals(31, frames.next().path("sequence").asLong());
        ws.abort();
    }

    @Test
    void aClientTooFarBehindGetsAnErrorFrameAndIsClosed() throws Exception {
        stream("WS_SLOW", "ws.slow", -1);
        publish("ws.slow.a", 0, 400);
        Frames frames = new Frames();
        open("/v1/streams/WS_SLOW/events?since=0", frames);
        JsonNode last;
        do {
            last = frames.next();
        } while (!last.path("type").asText().equals("error"));
        assertTrue(last.path("reason").asText().contains("client too slow"), last.toString());
        frames.closed.get(15, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> consumers("WS_SLOW") == 0);
    }

    @Test
    void aBadSinceIsRefusedBeforeTheUpgrade() throws Exception {
        Frames frames = new Frames();
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> open("/v1/streams/X/events?since=-1", frames));
        assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, refused.toString());
        assertEquals(400, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse()
                .statusCode());
    }
}
