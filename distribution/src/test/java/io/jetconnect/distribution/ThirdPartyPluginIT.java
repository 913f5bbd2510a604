package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin, proved end to end: {@code examples/plugin-example} is built with Maven outside the reactor
 * ({@link ExamplePluginBuild}), its jar dropped into a fresh plugins directory next to the built-in plugin zips of
 * the built distribution, and the real {@code bin/jetconnect} runs a pipeline {@code http -> enrich -> webhook}
 * whose webhook target is a real HTTP server of this test ({@link WebhookTarget}).
 *
 * <p>The webhook runs in binary mode (its default), so the attributes {@code enrich} adds arrive as {@code ce-}
 * headers, the event's data as the body.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ThirdPartyPluginIT {

    private static final String PIPELINE = "/v1/pipelines/hooks/events";

    @TempDir
    static Path shared;

    /** The built-in plugin zips and the example's jar; the distribution's own plugins/ is left untouched. */
    private static Path plugins;

    @TempDir
    Path work;

    @BeforeAll
    static void buildTheExampleAndDropItIn() throws Exception {
        plugins = ExamplePluginBuild.pluginsWithTheExample(shared);
    }

    /** A pipeline.conf with {@code http -> enrich -> webhook}; {@code sinks} as given. */
    private static String config(int httpPort, String sinks) {
        return """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = data
                  http { host = 127.0.0.1, port = %d }
                  nats { url = "nats://127.0.0.1:%d", embedded = off }
                  pipelines {
                    hooks {
                      source { type = http }
                      sinks = [
                %s
                      ]
                    }
                  }
                }
                """.formatted(plugins, httpPort, NatsServer.freePort(), sinks);
    }

    private static String sinks(String webhookUrl) {
        return """
                        { type = enrich, extensions { region = eu-west-1, tier = gold } }
                        { type = webhook, url = "%s" }\
                """.formatted(webhookUrl);
    }

    private static String event(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/third-party\",\"type\":\"example.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    @Test
    void pluginsListsTheExampleWithItsVersionAndTypesAndCheckAcceptsThePipeline() throws Exception {
        Path config = Files.writeString(work.resolve("pipeline.conf"),
                config(NatsServer.freePort(), sinks("http://127.0.0.1:9/hook")));

        RuntimeProcess.Result listed = RuntimeProcess.exec(work, Map.of(), "plugins", "--config", config.toString());
        assertEquals(0, listed.exitCode(), listed.output());
        String example = listed.output().lines().filter(l -> l.trim().startsWith("example ")).findFirst()
                .orElseThrow(() -> new AssertionError("example is not listed:\n" + listed.output()));
        assertTrue(example.matches("\\s*example\\s+1\\.0\\.0\\s+.*"), example);
        assertTrue(example.contains("decorator enrich") && example.contains("sink webhook"), example);
        assertTrue(listed.output().matches("(?s).*\\bhttp\\s+\\S+\\s+source http\\s.*"), listed.output());
        assertFalse(listed.output().contains("skipped"), listed.output());

        RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--config", config.toString());
        assertEquals(0, checked.exitCode(), checked.output());
        assertTrue(checked.output().matches("(?s).*chain:\\s+enrich\\W+webhook.*"), checked.output());
    }

    @Test
    void eventsPassThroughEnrichAndWebhookAndTheTargetsAnswersDecideTheStatus() throws Exception {
        int port = NatsServer.freePort();
        try (WebhookTarget target = new WebhookTarget()) {
            Path config = Files.writeString(work.resolve("pipeline.conf"), config(port, sinks(target.url())));
            try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
                // structured, batch and binary mode in; binary mode out, in order
                assertEquals(202, runtime.post(PIPELINE, "application/cloudevents+json",
                        event("e-1", "{\"n\":1}")).statusCode());
                HttpResponse<String> batch = runtime.post(PIPELINE, "application/cloudevents-batch+json",
                        "[" + event("e-2", "{\"n\":2}") + "," + event("e-3", "{\"n\":3}") + "]");
                assertEquals(202, batch.statusCode(), batch.body());
                HttpResponse<String> binary = runtime.send(HttpRequest.newBuilder(runtime.uri(PIPELINE))
                        .header("Content-Type", "application/json").header("ce-specversion", "1.0")
                        .header("ce-id", "e-4").header("ce-source", "/third-party").header("ce-type", "example.test")
                        .header("ce-region", "us-east-1")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":4}")).build());
                assertEquals(202, binary.statusCode(), binary.body());

                List<WebhookTarget.Request> received = target.requests();
                assertEquals(List.of("e-1", "e-2", "e-3", "e-4"),
                        received.stream().map(r -> r.header("ce-id")).toList(), received.toString());
                for (int i = 0; i < received.size(); i++) {
                    WebhookTarget.Request request = received.get(i);
                    assertEquals("POST", request.method());
                    assertEquals("1.0", request.header("ce-specversion"), request.toString());
                    assertEquals("/third-party", request.header("ce-source"), request.toString());
                    assertEquals("example.test", request.header("ce-type"), request.toString());
                    assertEquals("gold", request.header("ce-tier"), request.toString());
                    assertTrue(request.header("content-type").startsWith("application/json"), request.toString());
                    assertEquals("{\"n\":" + (i + 1) + "}", request.body().replace(" ", ""), request.toString());
                }
                assertEquals(List.of("eu-west-1", "eu-west-1", "eu-west-1", "us-east-1"),
                        received.stream().map(r -> r.header("ce-region")).toList(),
                        "enrich adds region, and keeps the one an event already carries");

                // 503 from the target: retriable, the http source answers 503 and passes the target's hint on
                target.answer(503, "7");
                HttpResponse<String> busy = runtime.post(PIPELINE, "application/cloudevents+json",
                        event("e-5", "{\"n\":5}"));
                assertEquals(503, busy.statusCode(), busy.body());
                assertEquals("7", busy.headers().firstValue("Retry-After").orElse(null), busy.headers().toString());

                // 400 from the target: permanent, the http source answers 422
                target.answer(400, null);
                HttpResponse<String> refused = runtime.post(PIPELINE, "application/cloudevents+json",
                        event("e-6", "{\"n\":6}"));
                assertEquals(422, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("answered 400"), refused.body());

                // The target gone: a connection error is retriable
                target.close();
                HttpResponse<String> unreachable = runtime.post(PIPELINE, "application/cloudevents+json",
                        event("e-7", "{\"n\":7}"));
                assertEquals(503, unreachable.statusCode(), unreachable.body());

                String metrics = runtime.get("/metrics").body();
                assertTrue(metrics.matches("(?s).*jetconnect_webhook_events_total\\{[^}]*outcome=\"delivered\""
                        + "[^}]*} 4\\.0\\n.*"), metrics);
                assertEquals(0, runtime.terminate(), runtime.output());
            }
        }
    }

    @Test
    void checkFindsATypoAndAWrongTypeInThePluginsBlockBeforeAnyPipelineStarts() throws Exception {
        try (WebhookTarget target = new WebhookTarget()) {
            String text = config(NatsServer.freePort(), """
                            { type = enrich, extensions { region = eu-west-1 }, overwrite = sometimes }
                            { type = webhook
                              urll = "%s"
                              timeout = soon }\
                    """.formatted(target.url()));
            Path config = Files.writeString(work.resolve("pipeline.conf"), text);
            String typo = config + ":" + PipelineConf.lineOf(text, "urll") + ": Unknown key "
                    + "'jetconnect.pipelines.hooks.sinks[1].urll' (did you mean 'url'?)";
            String duration = config + ":" + PipelineConf.lineOf(text, "timeout = soon") + ": Invalid value at "
                    + "'jetconnect.pipelines.hooks.sinks[1].timeout': expected a duration";
            String bool = config + ":" + PipelineConf.lineOf(text, "overwrite = sometimes") + ": Invalid value at "
                    + "'jetconnect.pipelines.hooks.sinks[0].overwrite': expected true or false";

            RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                    config.toString());
            assertEquals(1, checked.exitCode(), checked.output());
            for (String expected : List.of(typo, duration, bool)) {
                assertTrue(checked.output().contains(expected), expected + "\nnot in:\n" + checked.output());
            }

            // run refuses the same file before anything starts: no listener, nothing sent
            RuntimeProcess.Result run = RuntimeProcess.exec(work, Map.of(), "run", "--config", config.toString());
            assertEquals(1, run.exitCode(), run.output());
            assertTrue(run.output().contains(typo), run.output());
            assertFalse(run.output().contains("listening on"), run.output());
            assertEquals(List.of(), target.requests());
        }
    }
}
