package io.jetconnect.runtime.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.JetconnectRuntime;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import io.nats.client.api.StreamConfiguration;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The live feed over real HTTP from a real runtime, against a real nats-server. */
@ExtendWith(NatsServerExtension.class)
class LiveFeedIT {

    @TempDir
    Path dir;

    private JetconnectRuntime runtime;
    private Connection nc;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start(NatsServer nats) throws Exception {
        nc = Nats.connect(nats.url());
        long n = System.nanoTime() % 100000;
        runtime = start(dir, nats.url(),
                "streams { feed { name = FEED_%d, subjects = [\"feed.%d.>\"], max-messages = 200 } }".formatted(n, n));
    }

    /** @return a runtime on {@code dir} with the live feed's lag and batch small enough to test, plus {@code extra} */
    static JetconnectRuntime start(Path dir, String natsUrl, String extra) throws Exception {
        Path conf = Files.writeString(dir.resolve("pipeline.conf"), """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = "%s"
                  http { port = 0, live-feed { max-lag = 100, batch = 50 } }
                  nats { url = "%s", embedded = off }
                  %s
                }
                """.formatted(dir.resolve("plugins"), dir.resolve("data"), natsUrl, extra));
        return JetconnectRuntime.start(new PipelineConfigLoader().load(conf));
    }

    @AfterEach
    void stop() throws InterruptedException {
        runtime.close();
        nc.close();
    }

    private String stream(String name, String prefix, long maxMsgs) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(prefix + ".>").storageType(StorageType.File)
                .maxMessages(maxMsgs).build());
        return name;
    }

    /** @return the name of a new stream holding events e0.. of subject {@code prefix}.a, {@code events} of them */
    private String streamWith(String name, String prefix, long maxMsgs, int events) throws Exception {
        String stream = stream(name, prefix, maxMsgs);
        publish(prefix + ".a", 0, events);
        return stream;
    }

    private void awaitConsumers(String stream, int count, int seconds) {
        await().atMost(Duration.ofSeconds(seconds)).until(() -> consumers(stream) == count);
    }

    private void publish(String subject, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            nc.jetStream().publish(subject, ("{\"specversion\":\"1.0\",\"id\":\"e" + i + "\",\"source\":\"/t\","
                    + "\"type\":\"t\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private BufferedReader open(String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + runtime.httpPort() + path)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The first {@code count} frames of a feed opened for them alone. */
    private List<List<String>> frames(String path, String lastEventId, int count) throws Exception {
        try (BufferedReader reader = open(path, lastEventId)) {
            return frames(reader, count);
        }
    }

    /** Reads SSE frames until {@code count} events (not comments) arrived; returns their lines. */
    private static List<List<String>> frames(BufferedReader reader, int count) throws Exception {
        List<List<String>> frames = new ArrayList<>();
        List<String> current = new ArrayList<>();
        String line;
        while (frames.size() < count && (line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!current.isEmpty() && !current.get(0).startsWith(":")) {
                    frames.add(current);
                }
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        return frames;
    }

    @Test
    void sinceSendsEveryLaterEventOnceWithItsSequenceAsId() throws Exception {
        String name = streamWith("LF_SINCE", "lf.since", -1, 10);
        try (BufferedReader reader = open("/v1/streams/" + name + "/events?since=4", null)) {
            List<List<String>> frames = frames(reader, 6);
            for (int i = 0; i < 6; i++) {
                assertEquals("id: " + (5 + i), frames.get(i).get(0));
                assertEquals("event: cloudevent", frames.get(i).get(1));
                assertTrue(frames.get(i).get(2).contains("\"id\":\"e" + (4 + i) + "\""), frames.get(i).toString());
            }
            publish("lf.since.a", 10, 11);
            assertEquals("id: 11", frames(reader, 1).get(0).get(0));
        }
        // A reconnecting client resumes after Last-Event-ID.
        List<List<String>> resumed = frames("/v1/streams/" + name + "/events", "9", 2);
        assertEquals("id: 10", resumed.get(0).get(0));
        assertEquals("id: 11", resumed.get(1).get(0));
    }

    @Test
    void withoutSinceOnlyNewEventsAreSent() throws Exception {
        String name = streamWith("LF_NEW", "lf.new", -1, 5);
        try (BufferedReader reader = open("/v1/streams/" + name + "/events", null)) {
            awaitConsumers(name, 1, 10);
            publish("lf.new.a", 5, 6);
            assertEquals("id: 6", frames(reader, 1).get(0).get(0));
        }
    }

    @Test
    void sinceBelowTheRetainedFloorGetsTheGapEvent() throws Exception {
        String name = streamWith("LF_GAP", "lf.gap", 20, 50);
        List<List<String>> frames = frames("/v1/streams/" + name + "/events?since=3", null, 2);
        assertEquals(List.of("event: gap", "data: {\"requested\":4,\"firstSequence\":31}"), frames.get(0));
        assertEquals("id: 31", frames.get(1).get(0));
    }

    @Test
    void aClientTooFarBehindIsToldWhyAndDisconnected() throws Exception {
        String name = streamWith("LF_SLOW", "lf.slow", -1, 400);
        try (BufferedReader reader = open("/v1/streams/" + name + "/events?since=0", null)) {
            List<List<String>> frames = frames(reader, 1000);
            List<String> last = frames.get(frames.size() - 1);
            assertEquals("event: error", last.get(0), frames.toString());
            assertTrue(last.get(1).contains("client too slow"), last.toString());
        }
        awaitConsumers(name, 0, 10);
    }

    @Test
    void closingTheConnectionReleasesTheConsumer() throws Exception {
        String name = stream("LF_CLOSE", "lf.close", -1);
        BufferedReader reader = open("/v1/streams/" + name + "/events", null);
        awaitConsumers(name, 1, 10);
        reader.close();
        publish("lf.close.a", 0, 3);
        awaitConsumers(name, 0, 15);
    }

    @Test
    void eventsStoredInEitherModeAreSentOnceEachWithOneDatacontenttype() throws Exception {
        String name = stream("LF_MODES", "lf.modes", -1);
        CloudEvent structured = CloudEventBuilder.v1().withId("s-1").withSource(URI.create("/t")).withType("t")
                .withData("application/json", "{\"n\": 1.50}".getBytes(StandardCharsets.UTF_8)).build();
        nc.jetStream().publish("lf.modes.a", new Headers().put("Content-Type", "application/cloudevents+json"),
                new JsonFormat().serialize(structured));
        // Binary mode as this build writes it: ce- values percent-encoded, Content-Type as it is.
        nc.jetStream().publish("lf.modes.a", new Headers().put("ce-specversion", "1.0").put("ce-id", "b%20one")
                .put("ce-source", "/t").put("ce-type", "t").put("ce-subject", "caf%C3%A9")
                .put("Content-Type", "text/plain; charset=utf-8"), "hi".getBytes(StandardCharsets.UTF_8));
        // Binary mode as earlier builds wrote it: ce-datacontenttype beside a percent-encoded Content-Type.
        nc.jetStream().publish("lf.modes.a", new Headers().put("ce-specversion", "1.0").put("ce-id", "b-2")
                .put("ce-source", "/t").put("ce-type", "t").put("ce-datacontenttype", "text/plain;%20charset=utf-8")
                .put("content-type", "text/plain;%20charset=utf-8"), "hi".getBytes(StandardCharsets.UTF_8));
        List<CloudEvent> expected = List.of(structured,
                CloudEventBuilder.v1().withId("b one").withSource(URI.create("/t")).withType("t").withSubject("café")
                        .withData("text/plain; charset=utf-8", "hi".getBytes(StandardCharsets.UTF_8)).build(),
                CloudEventBuilder.v1().withId("b-2").withSource(URI.create("/t")).withType("t")
                        .withData("text/plain; charset=utf-8", "hi".getBytes(StandardCharsets.UTF_8)).build());
        try (BufferedReader reader = open("/v1/streams/" + name + "/events?since=0", null)) {
            List<List<String>> frames = frames(reader, 3);
            for (int i = 0; i < 3; i++) {
                List<String> frame = frames.get(i);
                assertEquals("event: cloudevent", frame.get(1), frame.toString());
                String json = frame.get(2).substring("data: ".length());
                assertEquals(1, json.split("\"datacontenttype\"", -1).length - 1, "one datacontenttype: " + json);
                CloudEvent sent = new JsonFormat().deserialize(json.getBytes(StandardCharsets.UTF_8));
                assertEquals(expected.get(i).getId(), sent.getId(), json);
                assertEquals(expected.get(i).getSubject(), sent.getSubject(), json);
                assertEquals(expected.get(i).getDataContentType(), sent.getDataContentType(), json);
                assertEquals(Set.of(), sent.getExtensionNames(), json);
                if (i == 0) {
                    assertTrue(json.contains("\"data\":{\"n\": 1.50}"), "JSON data as stored: " + json);
                } else {
                    assertEquals("hi", new String(sent.getData().toBytes(), StandardCharsets.UTF_8), json);
                }
            }
        }
    }

    private int consumers(String stream) throws Exception {
        return nc.jetStreamManagement().getConsumerNames(stream).size();
    }
}
