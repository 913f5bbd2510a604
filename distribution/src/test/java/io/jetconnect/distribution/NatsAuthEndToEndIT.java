package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime as a real process publishing to a nats-server that requires authentication, configured with the
 * {@code jetconnect.nats} keys (the secret from the environment, as the docs advise): the event is stored, a
 * wrong secret makes the pipeline fail with a message that says why, and no secret appears in what the process
 * prints, at DEBUG, or in {@code check}'s output.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NatsAuthEndToEndIT {

    private static final String CE = "application/cloudevents+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    @Test
    void userAndPasswordFromTheEnvironment() throws Exception {
        String password = "pw-" + Long.toHexString(System.nanoTime()) + "-secret";
        try (NatsServer nats = NatsServer.spawn("--user", "jcuser", "--pass", password)) {
            String conf = config(nats.url(), "user = jcuser, password = ${NATS_PASSWORD}");
            NatsSettings reader = NatsSettings.builder(nats.url()).user("jcuser").password(password).build();
            String output = publishesAndFailsOnAWrongSecret(conf, "NATS_PASSWORD", password, reader,
                    "jetconnect.nats.user and password");
            assertFalse(output.contains(password), output);
        }
    }

    @Test
    void tokenFromTheEnvironment() throws Exception {
        String token = "tok-" + Long.toHexString(System.nanoTime()) + "-secret";
        try (NatsServer nats = NatsServer.spawn("--auth", token)) {
            String conf = config(nats.url(), "token = ${NATS_TOKEN}");
            NatsSettings reader = NatsSettings.builder(nats.url()).token(token).build();
            String output = publishesAndFailsOnAWrongSecret(conf, "NATS_TOKEN", token, reader,
                    "jetconnect.nats.token");
            assertFalse(output.contains(token), output);
        }
    }

    /** @return everything the processes printed, for the caller's secret scan */
    private String publishesAndFailsOnAWrongSecret(String conf, String variable, String secret, NatsSettings reader,
                                                   String key) throws Exception {
        Path config = Files.writeString(work.resolve("pipeline.conf"), conf);
        StringBuilder printed = new StringBuilder();
        Map<String, String> env = Map.of(variable, secret, "JETCONNECT_OPTS",
                "-Xmx256m -Djetconnect.log.level=DEBUG");
        RuntimeProcess.Result checked = RuntimeProcess.exec(work, env, "check", "--config", config.toString());
        assertEquals(0, checked.exitCode(), checked.output());
        printed.append(checked.output());
        try (JetconnectProcess runtime = JetconnectProcess.start(work, env, "run", "--config", config.toString())) {
            int port = runtime.awaitListening(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get(port, "/readyz").statusCode() == 200);
            assertEquals(202, post(port, event("auth-1")).statusCode());
            try (Connection nc = NatsConnections.of(reader).connect()) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                        "auth-1".equals(StreamReader.eventId(
                                nc.jetStreamManagement().getLastMessage("AUTH", "auth.acme.v1"))));
            }
            printed.append(get(port, "/metrics").body()).append(get(port, "/v1/pipelines").body());
            assertEquals(0, runtime.terminate(), runtime.output());
            printed.append(runtime.output());
        }
        String wrong = "wrong-" + secret;
        Map<String, String> wrongEnv = Map.of(variable, wrong);
        try (JetconnectProcess runtime = JetconnectProcess.start(work, wrongEnv, "run", "--config",
                config.toString())) {
            int port = runtime.awaitListening(Duration.ofSeconds(60));
            runtime.awaitOutput("refused the credentials", Duration.ofSeconds(30));
            String pipelines = get(port, "/v1/pipelines").body();
            printed.append(pipelines).append(get(port, "/readyz").body());
            runtime.terminate();
            String output = runtime.output();
            assertTrue(output.contains(key), "the error names the setting to check: " + output);
            assertFalse(output.contains(wrong), output);
            printed.append(output);
        }
        return printed.toString();
    }

    private static String config(String url, String auth) {
        return """
                jetconnect {
                  data-dir = data
                  http { host = 127.0.0.1, port = 0 }
                  nats { url = "%s", embedded = off, %s }
                  streams {
                    s { name = AUTH, subjects = ["auth.>"], max-age = 1h }
                  }
                  pipelines {
                    ingest {
                      source { type = http }
                      sinks = [ { type = jetstream, stream = s, subject = "auth.{tenantId}.v1" } ]
                    }
                  }
                }
                """.formatted(url, auth);
    }

    private static String event(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/auth\",\"type\":\"auth.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\"}}";
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/pipelines/ingest/events"))
                .header("Content-Type", CE).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
