package io.jetconnect.distribution.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.jetconnect.distribution.PipelineConf;
import io.jetconnect.distribution.RuntimeProcess;
import io.jetconnect.distribution.StreamReader;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a client library jetconnect did not write: events of every kind ({@link SdkEvents}) sent with the
 * CloudEvents SDK's HTTP binding in binary mode, structured mode and as a batch of the SDK's JSON format, through a
 * real {@code bin/jetconnect run}, read back from the stream with raw jnats and the SDK's readers
 * ({@link SdkReader}), never jetconnect's own: each stored event must be the event sent (attributes, extensions,
 * data), for the chain {@code [jetstream]} in each of its modes and for the shipped chain (modulo the signature's
 * extensions).
 */
class CloudEventsSdkInteropIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private Path config(int httpPort) throws Exception {
        return PipelineConf.write(work.resolve("pipeline.conf"), work.resolve("data"), httpPort, spawned.url(), """
                streams {
                  structured { name = SDK_STRUCTURED, subjects = ["sdk.structured.>"] }
                  binary { name = SDK_BINARY, subjects = ["sdk.binary.>"] }
                  shipped { name = SDK_SHIPPED, subjects = ["sdk.shipped.>"] }
                }
                pipelines {
                  structured {
                    source { type = http }
                    sinks = [{ type = jetstream, stream = structured, subject = "sdk.structured.{tenantId}" }]
                  }
                  binary {
                    source { type = http }
                    sinks = [{ type = jetstream, stream = binary, subject = "sdk.binary.{tenantId}", mode = binary }]
                  }
                  shipped {
                    source { type = http }
                    sinks = [
                      { type = redact }
                      { type = sign, key-file = "%s", generate-if-missing = true }
                      { type = dlq }
                      { type = jetstream, stream = shipped, subject = "sdk.shipped.{tenantId}.v1" }
                    ]
                  }
                }
                """.formatted(work.resolve("keys/sdk.key")));
    }

    @Test
    void everyKindSentInEveryModeIsStoredAsSentByJetstreamInStructuredMode() throws Exception {
        sendAndCompare("structured", "SDK_STRUCTURED", Set.of());
    }

    @Test
    void everyKindSentInEveryModeIsStoredAsSentByJetstreamInBinaryMode() throws Exception {
        sendAndCompare("binary", "SDK_BINARY", Set.of());
    }

    @Test
    void everyKindSentInEveryModeIsStoredAsSentByTheShippedChainBesidesItsSignature() throws Exception {
        sendAndCompare("shipped", "SDK_SHIPPED", EventComparison.SIGNATURE);
    }

    private void sendAndCompare(String pipeline, String stream, Set<String> added) throws Exception {
        int port = NatsServer.freePort();
        Map<String, CloudEvent> sent = new HashMap<>();
        Map<String, String> statuses = new HashMap<>();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config(port), port, Map.of())) {
            SdkSender sender = new SdkSender(runtime.uri("/v1/pipelines/" + pipeline + "/events"));
            for (SdkSender.Mode mode : SdkSender.Mode.values()) {
                Map<String, CloudEvent> events = SdkEvents.all(mode.name().toLowerCase(Locale.ROOT));
                statuses.putAll(sender.send(mode, events.values()));
                events.values().forEach(event -> sent.put(event.getId(), event));
            }
            long accepted = statuses.values().stream().filter("202"::equals).count();
            await().atMost(Duration.ofSeconds(30)).until(() -> count(stream) >= accepted);
            assertEquals(0, runtime.terminate(), runtime.output());
        }
        Map<String, CloudEvent> stored = new HashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (Message message : StreamReader.readAll(spawned.url(), stream)) {
            try {
                CloudEvent event = SdkReader.read(message);
                stored.put(event.getId(), event);
            } catch (RuntimeException e) {
                unreadable.add("seq " + message.metaData().streamSequence() + ": " + e);
            }
        }
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(List.of(), unreadable, "messages the SDK cannot read"));
        for (CloudEvent event : sent.values()) {
            String id = event.getId();
            checks.add(() -> {
                assertEquals("202", statuses.get(id), id + " accepted");
                assertTrue(stored.containsKey(id), id + " stored");
                assertEquals(List.of(), EventComparison.differences(event, stored.get(id), added), id);
            });
        }
        assertAll(pipeline, checks);
    }

    private long count(String stream) throws Exception {
        try (Connection nc = Nats.connect(spawned.url())) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }
}
