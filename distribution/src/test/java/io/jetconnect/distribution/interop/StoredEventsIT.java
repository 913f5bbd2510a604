package io.jetconnect.distribution.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.distribution.PipelineConf;
import io.jetconnect.distribution.RuntimeProcess;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything that reads stored events reads both modes of the NATS binding alike: events signed and stored by a real
 * runtime in structured mode and in binary mode, plus binary messages as other writers leave them (values
 * percent-encoded, a {@code Content-Type} with parameters, and the {@code ce-datacontenttype} header earlier builds
 * wrote), come out unchanged from the live feed, {@code jetconnect tail} and a replay pipeline, and
 * {@code jetconnect verify} finds every signature valid. Outputs are read with the CloudEvents SDK.
 */
class StoredEventsIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private Path config(String name, int httpPort, String pipelines) throws Exception {
        return PipelineConf.write(work.resolve(name), work.resolve("data"), httpPort, spawned.url(), """
                streams {
                  structured { name = STORED_S, subjects = ["stored.s.>"] }
                  binary { name = STORED_B, subjects = ["stored.b.>"] }
                }
                pipelines { %s }
                """.formatted(pipelines));
    }

    private String ingest(String mode) {
        String stream = mode.equals("binary") ? "binary" : "structured";
        String prefix = mode.equals("binary") ? "stored.b" : "stored.s";
        return """
                %s {
                  source { type = http }
                  sinks = [
                    { type = sign, key-file = "%s", generate-if-missing = true }
                    { type = jetstream, stream = %s, subject = "%s.{tenantId}", mode = %s }
                  ]
                }
                """.formatted(mode, work.resolve("keys/stored.key"), stream, prefix, mode);
    }

    private String replay(String stream) {
        return """
                replay-%s {
                  source { type = replay, stream = %s, cursor = none }
                  sinks = [{ type = jsonl, path = "%s" }]
                }
                """.formatted(stream, stream, work.resolve(stream + ".jsonl"));
    }

    /** The SDK's events less the one whose ingest {@code CloudEventsSdkInteropIT} holds (no content type). */
    private static Map<String, CloudEvent> signedEvents(String prefix) {
        Map<String, CloudEvent> events = SdkEvents.all(prefix);
        events.remove("json-no-content-type");
        return events;
    }

    /** Binary messages as other writers store them; unsigned. */
    private static Map<CloudEvent, Headers> foreignBinary() {
        Map<CloudEvent, Headers> out = new LinkedHashMap<>();
        byte[] text = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
        out.put(CloudEventBuilder.v1().withId("foreign one").withSource(URI.create("/foreign")).withType("t")
                        .withSubject("caf\u00e9 \u2615 100%").withExtension("tenant", "a \"b\"")
                        .withData("text/plain; charset=utf-8", text).build(),
                new Headers().put("ce-specversion", "1.0").put("ce-id", "foreign%20one").put("ce-source", "/foreign")
                        .put("ce-type", "t").put("ce-subject", "caf%C3%A9%20%E2%98%95%20100%25")
                        .put("ce-tenant", "a%20%22b%22").put("Content-Type", "text/plain; charset=utf-8"));
        out.put(CloudEventBuilder.v1().withId("legacy-1").withSource(URI.create("/foreign")).withType("t")
                        .withData("text/plain; charset=utf-8", text).build(),
                new Headers().put("ce-specversion", "1.0").put("ce-id", "legacy-1").put("ce-source", "/foreign")
                        .put("ce-type", "t").put("ce-datacontenttype", "text/plain;%20charset=utf-8")
                        .put("content-type", "text/plain;%20charset=utf-8"));
        return out;
    }

    @Test
    void theLiveFeedTailVerifyAndReplayReadBothModesAlike() throws Exception {
        Map<String, CloudEvent> structured = signedEvents("s");
        Map<String, CloudEvent> binary = new HashMap<>(signedEvents("b"));
        int port = NatsServer.freePort();
        Path ingest = config("ingest.conf", port, ingest("structured") + ingest("binary"));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, ingest, port, Map.of())) {
            SdkSender toStructured = new SdkSender(runtime.uri("/v1/pipelines/structured/events"));
            SdkSender toBinary = new SdkSender(runtime.uri("/v1/pipelines/binary/events"));
            assertTrue(toStructured.send(SdkSender.Mode.STRUCTURED, structured.values()).values().stream()
                    .allMatch("202"::equals));
            assertTrue(toBinary.send(SdkSender.Mode.STRUCTURED, binary.values()).values().stream()
                    .allMatch("202"::equals));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("STORED_S") == structured.size()
                    && count("STORED_B") == binary.size());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        Map<String, CloudEvent> expectedBinary = new LinkedHashMap<>();
        binary.values().forEach(event -> expectedBinary.put(event.getId(), event));
        try (Connection nc = Nats.connect(spawned.url())) {
            for (Map.Entry<CloudEvent, Headers> foreign : foreignBinary().entrySet()) {
                CloudEvent event = foreign.getKey();
                nc.jetStream().publish("stored.b.foreign", foreign.getValue(),
                        event.getData().toBytes());
                expectedBinary.put(event.getId(), event);
            }
        }
        Map<String, CloudEvent> expectedStructured = new LinkedHashMap<>();
        structured.values().forEach(event -> expectedStructured.put(event.getId(), event));

        Path key = work.resolve("keys/stored.key");
        RuntimeProcess.Result verifyS = RuntimeProcess.exec(work, Map.of(), "verify", "--config",
                ingest.toString(), "--key-file", key.toString(), "--stream", "STORED_S");
        assertTrue(verifyS.output().contains("valid=" + structured.size() + " invalid=0 unsigned=0"),
                verifyS.output());
        RuntimeProcess.Result verifyB = RuntimeProcess.exec(work, Map.of(), "verify", "--config",
                ingest.toString(), "--key-file", key.toString(), "--stream", "STORED_B");
        assertTrue(verifyB.output().contains("valid=" + binary.size() + " invalid=0 unsigned=2"), verifyB.output());

        List<Executable> checks = new ArrayList<>();
        for (String stream : List.of("STORED_S", "STORED_B")) {
            Map<String, CloudEvent> expected = stream.equals("STORED_S") ? expectedStructured : expectedBinary;
            RuntimeProcess.Result tail = RuntimeProcess.exec(work, Map.of(), "tail", "--config", ingest.toString(),
                    "--stream", stream, "--since", "0", "--max", Integer.toString(expected.size()));
            assertEquals(0, tail.exitCode(), tail.output());
            // tail prints {"stream_sequence":N,"subject":"...","event":EVENT}, the event last and as written.
            compare(checks, "tail " + stream, expected, jsonLines(tail.output()).stream()
                    .map(line -> line.substring(line.indexOf(",\"event\":") + 9, line.length() - 1)).toList());
        }

        int port2 = NatsServer.freePort();
        Path replays = config("replay.conf", port2, replay("structured") + replay("binary"));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, replays, port2, Map.of())) {
            for (String stream : List.of("STORED_S", "STORED_B")) {
                Map<String, CloudEvent> expected = stream.equals("STORED_S") ? expectedStructured : expectedBinary;
                compare(checks, "live feed " + stream, expected, liveFeed(runtime, stream, expected.size()));
            }
            for (String stream : List.of("structured", "binary")) {
                Map<String, CloudEvent> expected = stream.equals("structured") ? expectedStructured : expectedBinary;
                Path file = work.resolve(stream + ".jsonl");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file)
                        && jsonLines(Files.readString(file)).size() == expected.size());
                compare(checks, "replay " + stream, expected, jsonLines(Files.readString(file)));
            }
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        assertAll(checks);
    }

    private static List<String> jsonLines(String output) {
        return output.lines().filter(line -> line.startsWith("{")).toList();
    }

    /** Each line must be one expected event in the JSON format, every expected event once. */
    private static void compare(List<Executable> checks, String reader, Map<String, CloudEvent> expected,
                                List<String> lines) {
        checks.add(() -> assertEquals(expected.size(), lines.size(), reader + ": " + lines));
        for (String line : lines) {
            checks.add(() -> {
                String key = "\"datacontenttype\"";
                assertEquals(line.indexOf(key), line.lastIndexOf(key), reader + ": one datacontenttype: " + line);
                CloudEvent read = SdkReader.FORMAT.deserialize(line.getBytes(StandardCharsets.UTF_8));
                CloudEvent sent = expected.get(read.getId());
                assertTrue(sent != null, reader + ": unexpected " + line);
                assertEquals(List.of(), EventComparison.differences(sent, read, EventComparison.SIGNATURE),
                        reader + ": " + line);
            });
        }
    }

    /** @return the JSON of the first {@code count} events of the live feed from the stream's start */
    private static List<String> liveFeed(RuntimeProcess runtime, String stream, int count) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                runtime.uri("/v1/streams/" + stream + "/events?since=0")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<String> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < count && (line = reader.readLine()) != null) {
                if (line.startsWith("data: {")) {
                    events.add(line.substring("data: ".length()));
                }
            }
        }
        return events;
    }

    private long count(String stream) throws Exception {
        try (Connection nc = Nats.connect(spawned.url())) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }
}
