package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Message;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code bin/jetconnect run}, as a real process, takes CloudEvents over real HTTP and lands them in a
 * real nats-server's stream: count, ids, subjects per tenant, order and Nats-Msg-Id, read back with jnats.
 */
@ExtendWith(NatsServerExtension.class)
class IngestEndToEndIT {

    @TempDir
    Path work;

    static String config(String natsUrl, int httpPort, String stream, String subjectPrefix) {
        return PipelineConf.text("data", httpPort, natsUrl, """
                streams {
                  events {
                    name = %s
                    subjects = ["%s.>"]
                    max-age = 1h
                    duplicate-window = 2m
                  }
                }
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [
                      { type = jetstream, stream = events, subject = "%s.{tenantId}.v1" }
                    ]
                  }
                }
                """.formatted(stream, subjectPrefix, subjectPrefix));
    }

    private static String event(String id, String tenant, int n) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/e2e\",\"type\":\"e2e.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"" + tenant + "\",\"n\":" + n
                + "}}";
    }

    @Test
    void eventsPostedOverHttpLandInTheStreamInOrderPerTenant(NatsServer nats) throws Exception {
        int port = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), port, "E2E_ORDER", "e2e"));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            List<String> expectedIds = new ArrayList<>();
            // structured mode, one event
            HttpResponse<String> one = runtime.post("/v1/pipelines/ingest/events", "application/cloudevents+json",
                    event("s-0", "acme", 0));
            assertEquals(202, one.statusCode(), one.body());
            assertEquals("{\"accepted\":1}", one.body().replace(" ", ""));
            expectedIds.add("s-0");
            // batch mode, interleaving two tenants
            for (int b = 0; b < 5; b++) {
                StringBuilder batch = new StringBuilder("[");
                for (int i = 0; i < 40; i++) {
                    String id = "b-" + b + "-" + i;
                    batch.append(i == 0 ? "" : ",").append(event(id, i % 2 == 0 ? "acme" : "globex", b * 40 + i));
                    expectedIds.add(id);
                }
                HttpResponse<String> response = runtime.post("/v1/pipelines/ingest/events",
                        "application/cloudevents-batch+json", batch.append("]").toString());
                assertEquals(202, response.statusCode(), response.body());
            }
            // binary mode
            HttpResponse<String> binary = runtime.send(HttpRequest.newBuilder(
                            runtime.uri("/v1/pipelines/ingest/events"))
                    .header("Content-Type", "application/json").header("ce-specversion", "1.0")
                    .header("ce-id", "bin-0").header("ce-source", "/e2e").header("ce-type", "e2e.binary")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenantId\":\"globex\"}")).build());
            assertEquals(202, binary.statusCode(), binary.body());
            expectedIds.add("bin-0");

            // bad input: rejected whole, the runtime stays up
            HttpResponse<String> invalid = runtime.post("/v1/pipelines/ingest/events",
                    "application/cloudevents-batch+json", "[" + event("ok-1", "acme", 1)
                            + ",{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/x\",\"type\":\"t\"}]");
            assertEquals(400, invalid.statusCode(), invalid.body());
            assertTrue(invalid.body().contains("\"index\":1"), invalid.body());
            assertEquals(404, runtime.post("/v1/pipelines/nope/events", "application/cloudevents+json",
                    event("x", "acme", 0)).statusCode());
            assertEquals(200, runtime.get("/healthz").statusCode());

            List<Message> stored = StreamReader.readAll(nats.url(), "E2E_ORDER");
            List<String> ids = new ArrayList<>();
            for (Message m : stored) {
                String id = StreamReader.eventId(m);
                ids.add(id);
                String body = new String(m.getData(), StandardCharsets.UTF_8);
                assertTrue(body.contains("\"id\":\"" + id + "\""), body);
                String tenant = body.contains("globex") ? "globex" : "acme";
                assertEquals("e2e." + tenant + ".v1", m.getSubject(), body);
            }
            assertEquals(expectedIds, ids, "every accepted event once, in the order it was accepted");
            assertFalse(ids.contains("ok-1"), "a rejected request lands nothing");

            String metrics = runtime.get("/metrics").body();
            assertTrue(metrics.contains("jetconnect_sink_events_total"), metrics);
            assertTrue(metrics.contains("jetconnect_pipeline_state{pipeline=\"ingest\"} 1.0"), metrics);

            assertEquals(0, runtime.terminate(), runtime.output());
            assertTrue(runtime.output().contains("stopped"), runtime.output());
        }
    }
}
