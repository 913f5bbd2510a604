package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code bin/jetconnect run} with {@code source.auth} in token mode, over real HTTP to a real nats-server:
 * 401 without or with a wrong token, 403 for a tenant the token may not write (nothing stored, read back with
 * jnats), 202 and stored for its own tenant, fill-tenant, a rotated tokens file taking effect on reload, the
 * outcomes in /metrics, and no token in the output or the metrics. Then the admin guard: a browser-style cross-site
 * pause and a DNS-rebound reload are refused.
 */
@ExtendWith(NatsServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IngestAuthIT {

    private static final String CE = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final String ACME = "acme-token-4f9b2c7d1e";
    private static final String ACME_AND_GLOBEX = "both-token-8a3e6f0b5c";
    private static final String ROTATED = "rotated-token-2d7c9e1a4b";

    @TempDir
    Path work;

    /** Each test its own stream and subjects: the class shares one nats-server. */
    private String config(String natsUrl, int port, Path tokens, String prefix) {
        return PipelineConf.text("data", port, natsUrl, """
                streams { events { name = %s, subjects = ["%s.>"], max-age = 1h } }
                pipelines {
                  ingest {
                    source { type = http, auth { mode = token, tokens-file = "%s" } }
                    sinks = [ { type = jetstream, stream = events, subject = "%s.{tenantId}.v1" } ]
                  }
                  filled {
                    source { type = http, auth { mode = token, tokens-file = "%s", fill-tenant = true } }
                    sinks = [ { type = jetstream, stream = events, subject = "%s.{tenantId}.v1" } ]
                  }
                }
                """.formatted(prefix.toUpperCase(java.util.Locale.ROOT), prefix, tokens, prefix, tokens, prefix));
    }

    private static String event(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/auth\",\"type\":\"auth.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private static String tenantEvent(String id, String tenant) {
        return event(id, "{\"tenantId\":\"" + tenant + "\",\"n\":1}");
    }

    private static HttpResponse<String> post(RuntimeProcess runtime, String pipeline, String type, String body,
                                             String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(runtime.uri("/v1/pipelines/" + pipeline + "/events"))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return runtime.send(request.build());
    }

    private static List<String> storedIds(String natsUrl) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Message m : StreamReader.readAll(natsUrl, "AUTH")) {
            ids.add(m.getSubject() + " " + StreamReader.eventId(m));
        }
        return ids;
    }

    @Test
    void tokensBindIngestToTenants(NatsServer nats) throws Exception {
        Path tokens = Files.writeString(work.resolve("ingest.tokens"), "# who may write which tenant\n"
                + ACME + " acme\n" + ACME_AND_GLOBEX + " acme,globex\n");
        int port = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), port, tokens, "auth"));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            HttpResponse<String> none = post(runtime, "ingest", CE, tenantEvent("none-1", "acme"), null);
            assertEquals(401, none.statusCode(), none.body());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            HttpResponse<String> wrong = post(runtime, "ingest", CE, tenantEvent("wrong-1", "acme"), ACME + "0");
            assertEquals(401, wrong.statusCode(), wrong.body());

            HttpResponse<String> forbidden = post(runtime, "ingest", BATCH, "[" + tenantEvent("mixed-1", "acme")
                    + "," + tenantEvent("mixed-2", "globex") + "]", ACME);
            assertEquals(403, forbidden.statusCode(), forbidden.body());
            assertTrue(forbidden.body().contains("\"index\":1"), forbidden.body());
            assertEquals(List.of(), storedIds(nats.url()), "a refused request stores nothing, not even its first");

            assertEquals(202, post(runtime, "ingest", CE, tenantEvent("ok-1", "acme"), ACME).statusCode());
            assertEquals(202, post(runtime, "ingest", BATCH, "[" + tenantEvent("ok-2", "acme") + ","
                    + tenantEvent("ok-3", "globex") + "]", ACME_AND_GLOBEX).statusCode());

            // fill-tenant: the token's one tenant is written into the event, and decides the subject.
            HttpResponse<String> filled = post(runtime, "filled", CE, event("fill-1", "{\"n\":1}"), ACME);
            assertEquals(202, filled.statusCode(), filled.body());
            assertEquals(403, post(runtime, "filled", CE, event("fill-2", "{\"n\":1}"), ACME_AND_GLOBEX)
                    .statusCode(), "two tenants: nothing to fill in with");

            List<Message> stored = StreamReader.readAll(nats.url(), "AUTH");
            List<String> ids = new ArrayList<>();
            stored.forEach(m -> ids.add(m.getSubject() + " " + StreamReader.eventId(m)));
            assertEquals(List.of("auth.acme.v1 ok-1", "auth.acme.v1 ok-2", "auth.globex.v1 ok-3",
                    "auth.acme.v1 fill-1"), ids);
            String filledBody = new String(stored.get(3).getData(), StandardCharsets.UTF_8);
            assertTrue(filledBody.contains("\"tenantId\":\"acme\""), filledBody);

            String metrics = runtime.get("/metrics").body();
            assertTrue(metrics.contains("jetconnect_http_auth_total{outcome=\"missing\",pipeline=\"ingest\"} 1.0"),
                    metrics);
            assertTrue(metrics.contains("jetconnect_http_auth_total{outcome=\"invalid\",pipeline=\"ingest\"} 1.0"));
            assertTrue(metrics.contains("jetconnect_http_auth_total{outcome=\"forbidden\",pipeline=\"ingest\"} 1.0"));
            assertTrue(metrics.contains("jetconnect_http_auth_total{outcome=\"ok\",pipeline=\"ingest\"} 2.0"));

            // Rotation: a new tokens file takes effect on reload, though pipeline.conf did not change.
            Files.writeString(tokens, ROTATED + " acme\n");
            HttpResponse<String> reload = runtime.request("POST", "/v1/reload", null);
            assertEquals(200, reload.statusCode(), reload.body());
            assertTrue(reload.body().contains("ingest"), reload.body());
            await().atMost(Duration.ofSeconds(30)).until(() -> state(runtime).equals("running"));
            assertEquals(401, post(runtime, "ingest", CE, tenantEvent("old-1", "acme"), ACME).statusCode());
            assertEquals(202, post(runtime, "ingest", CE, tenantEvent("new-1", "acme"), ROTATED).statusCode());

            // A broken tokens file: the reload is refused naming the file and line, and the old tokens stay.
            Files.writeString(tokens, "SECRET-never-printed-0123 acme.eu\n");
            HttpResponse<String> broken = runtime.request("POST", "/v1/reload", null);
            assertEquals(400, broken.statusCode(), broken.body());
            assertTrue(broken.body().contains("ingest.tokens:1"), broken.body());
            assertEquals(202, post(runtime, "ingest", CE, tenantEvent("new-2", "acme"), ROTATED).statusCode());

            String all = runtime.get("/metrics").body() + broken.body();
            assertEquals(0, runtime.terminate(), runtime.output());
            for (String secret : List.of(ACME, ACME_AND_GLOBEX, ROTATED, "SECRET-never")) {
                assertFalse(runtime.output().contains(secret), "token in the output: " + secret);
                assertFalse(all.contains(secret), "token in metrics or answers: " + secret);
            }
        }
    }

    @Test
    void crossSiteAndRebindingAdminCallsAreRefused(NatsServer nats) throws Exception {
        Path tokens = Files.writeString(work.resolve("ingest.tokens"), ACME + " acme\n");
        int port = NatsServer.freePort();
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), port, tokens, "guard"));
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            // What a page on evil.example can make a browser send without a preflight: a text/plain form post.
            RawHttp.Response pause = RawHttp.exchange(port, request("POST", "/v1/pipelines/ingest/pause",
                    "127.0.0.1:" + port, "Origin: http://evil.example\r\nContent-Type: text/plain\r\n", "x"),
                    false, Duration.ofSeconds(10));
            assertEquals(403, pause.status(), pause.describe());
            // Even without Origin (older browsers, some redirects): a simple request is refused.
            RawHttp.Response simple = RawHttp.exchange(port, request("POST", "/v1/pipelines/ingest/pause",
                    "127.0.0.1:" + port, "Content-Type: text/plain\r\n", "x"), false, Duration.ofSeconds(10));
            assertEquals(415, simple.status(), simple.describe());
            assertEquals("running", state(runtime));
            assertEquals(202, post(runtime, "ingest", CE, tenantEvent("still-1", "acme"), ACME).statusCode());

            // DNS rebinding: the page's own name now resolves to 127.0.0.1, so the browser sends that as Host.
            RawHttp.Response reload = RawHttp.exchange(port, request("POST", "/v1/reload", "rebind.evil.example:"
                    + port, "Content-Type: application/json\r\n", "{}"), false, Duration.ofSeconds(10));
            assertEquals(421, reload.status(), reload.describe());
            RawHttp.Response read = RawHttp.exchange(port, request("GET", "/v1/pipelines", "rebind.evil.example",
                    "", ""), false, Duration.ofSeconds(10));
            assertEquals(421, read.status(), read.describe());
            assertFalse(runtime.output().contains("reload: "), "no reload happened:\n" + runtime.output());

            // The same calls as a CLI or script makes them are served.
            RawHttp.Response ok = RawHttp.exchange(port, request("POST", "/v1/pipelines/ingest/pause",
                    "localhost:" + port, "X-Jetconnect-Request: 1\r\n", ""), false, Duration.ofSeconds(10));
            assertEquals(200, ok.status(), ok.describe());
            assertEquals("paused", state(runtime));
            assertEquals(200, runtime.request("POST", "/v1/pipelines/ingest/resume", null).statusCode());
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }

    private static String state(RuntimeProcess runtime) throws Exception {
        String body = runtime.get("/v1/pipelines/ingest").body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("state").asText();
    }

    private static byte[] request(String method, String path, String host, String headers, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers
                + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n";
        byte[] out = new byte[head.length() + content.length];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, out, 0, head.length());
        System.arraycopy(content, 0, out, head.length(), content.length);
        return out;
    }
}
