package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Message;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 202 means stored, with or without a {@code dlq}: the shipped chain {@code [redact, sign, dlq, jetstream]} and the
 * same chain without {@code dlq} run side by side in one real process against a real {@code nats-server}. Events the
 * sink refuses for good (a tenant id that is not one subject token, an event over the server's {@code max_payload})
 * get the same 4xx from both, the dlq's quarantine stays empty, and the events around them in the same flow are
 * stored.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DlqRefusalIT {

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private Path config(int port) throws Exception {
        Path key = FaultPipeline.signingKey(work.resolve("sign.key"));
        return PipelineConf.write(work.resolve("pipeline.conf"), work.resolve("data"), port, spawned.url(), """
                streams {
                  spilled { name = REFUSAL_DLQ, subjects = ["dlq.>"] }
                  plain { name = REFUSAL_PLAIN, subjects = ["plain.>"] }
                }
                pipelines {
                  withdlq {
                    source { type = http }
                    sinks = [
                      { type = redact }
                      { type = sign, key-file = "%s" }
                      { type = dlq }
                      { type = jetstream, stream = spilled, subject = "dlq.{tenantId}.v1" }
                    ]
                  }
                  nodlq {
                    source { type = http }
                    sinks = [
                      { type = redact }
                      { type = sign, key-file = "%s" }
                      { type = jetstream, stream = plain, subject = "plain.{tenantId}.v1" }
                    ]
                  }
                }
                """.formatted(key, key));
    }

    private static HttpResponse<String> post(RuntimeProcess runtime, String pipeline, String id, String tenant,
                                             int padding) throws Exception {
        String body = "{\"tenantId\":\"" + tenant + "\",\"pad\":\"" + "x".repeat(padding) + "\"}";
        return runtime.send(HttpRequest.newBuilder(runtime.uri("/v1/pipelines/" + pipeline + "/events"))
                .header("Content-Type", "application/json").header("ce-specversion", "1.0")
                .header("ce-id", id).header("ce-source", "/refusal").header("ce-type", "reading")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** @return the statuses of the flow: ok, a tenant with a dot, ok, a tenant with a space, ok, too large, ok */
    private static List<Integer> flow(RuntimeProcess runtime, String pipeline) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(post(runtime, pipeline, "ok-0", "acme", 10).statusCode());
        statuses.add(post(runtime, pipeline, "dotted", "a.b", 10).statusCode());
        statuses.add(post(runtime, pipeline, "ok-1", "acme", 10).statusCode());
        statuses.add(post(runtime, pipeline, "spaced", "a b", 10).statusCode());
        statuses.add(post(runtime, pipeline, "ok-2", "acme", 10).statusCode());
        // Over the server's default max_payload of 1 MiB, under the http source's max-request-bytes of 4 MiB.
        statuses.add(post(runtime, pipeline, "large", "acme", 2 * 1024 * 1024).statusCode());
        statuses.add(post(runtime, pipeline, "ok-3", "acme", 10).statusCode());
        return statuses;
    }

    @FaultTest
    void aPermanentRefusalIsTheSame4xxWithOrWithoutTheDlqAndNothingIsQuarantined() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path config = config(port);
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            List<Integer> plain = flow(runtime, "nodlq");
            List<Integer> withDlq = flow(runtime, "withdlq");

            assertEquals(plain, withDlq, "the dlq changes no answer");
            assertEquals(List.of(202, 422, 202, 422, 202, 422, 202), withDlq);
            assertEquals(0.0, FaultPipeline.metric(runtime, "jetconnect_dlq_quarantined_total{"));
            assertEquals(0.0, FaultPipeline.metric(runtime, "jetconnect_dlq_quarantine_bytes{"));
            assertEquals(0.0, FaultPipeline.metric(runtime, "jetconnect_dlq_events{"));
            try (Stream<Path> files = Files.walk(work.resolve("data"))) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("quarantine")),
                        "no quarantine file");
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> FaultPipeline.streamCount(nats.url(), "REFUSAL_DLQ") == 4);
            List<String> ids = StreamReader.readAll(nats.url(), "REFUSAL_DLQ").stream()
                    .map(StreamReader::eventId).toList();
            assertEquals(List.of("ok-0", "ok-1", "ok-2", "ok-3"), ids);
            assertEquals(List.of("dlq.acme.v1"), StreamReader.readAll(nats.url(), "REFUSAL_DLQ").stream()
                    .map(Message::getSubject).distinct().toList());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }
}
