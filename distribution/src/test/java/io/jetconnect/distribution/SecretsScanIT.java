package io.jetconnect.distribution;

import java.util.Optional;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.support.JwtUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security of the built distribution as a real process.
 * <ul>
 *   <li>Credentials never appear in anything the runtime prints (at DEBUG, in both log formats) or serves (every
 *       status, header and body the test received): a NATS URL with user and password, a token URL, a
 *       {@code .creds} file, the sign plugin's key file, the redact plugin's hash key file and the admin token file,
 *       while the test posts valid and invalid events, reads every read-only route, makes admin calls with wrong
 *       tokens, kills and restarts the broker, and runs {@code check} and {@code plugins}. Each secret is looked for
 *       raw and in the encodings a leak would likely take (base64, base64url, hex, Basic-auth).</li>
 *   <li>Tenant isolation: tenant ids that try to reach another subject are refused with 422, and attributes that
 *       try to steer routing do not: every accepted event lands on {@code corpus.acme.v1} and nowhere else.</li>
 *   <li>Admin API: a listener that is not on loopback refuses to start without an admin token file; with one,
 *       mutating calls need the token (401 without, 403 with a wrong one).</li>
 * </ul>
 * Only 127.0.0.1 is ever connected to.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecretsScanIT {

    private static final String USER = "jcuser";
    private static final String PASSWORD = "S3cr3t-Pa55";
    private static final String CE = "application/cloudevents+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path work;

    // ------------------------------------------------------------------------------------------ secrets: user/pass

    @Test
    void noSecretAppearsInWhatTheRuntimePrintsOrServes() throws Exception {
        Secrets secrets = new Secrets();
        secrets.add("NATS password", PASSWORD);
        secrets.add("NATS user:password as Basic auth", USER + ":" + PASSWORD);
        String adminToken = secrets.add("admin token", token(32));
        Path adminTokenFile = secretFile("admin.token", adminToken + "\n");
        byte[] signKey = bytes(32);
        String signKeyText = Base64.getEncoder().encodeToString(signKey);
        secrets.add("sign key file (base64 text)", signKeyText);
        secrets.addBytes("sign key (raw bytes)", signKey);
        Path signKeyFile = secretFile("sign.key", signKeyText + "\n");
        String hashKey = secrets.add("redact hash key", token(40));
        Path hashKeyFile = secretFile("hash.key", hashKey);

        Served served = new Served();
        try (NatsServer nats = NatsServer.spawn("--user", USER, "--pass", PASSWORD)) {
            String url = "nats://" + USER + ":" + PASSWORD + "@127.0.0.1:" + nats.port();
            Path config = Files.writeString(work.resolve("pipeline.conf"), """
                    jetconnect {
                      data-dir = data
                      http { host = 127.0.0.1, port = 0, admin-token-file = "%s" }
                      nats { url = "%s", embedded = off }
                      streams {
                        scan { name = SCAN, subjects = ["scan.>"], max-age = 1h }
                      }
                      pipelines {
                        ingest {
                          source { type = http }
                          sinks = [
                            { type = redact, hash-key-file = "%s" }
                            { type = sign, key-file = "%s" }
                            { type = dlq }
                            { type = jetstream, stream = scan, subject = "scan.{tenantId}.v1" }
                          ]
                        }
                      }
                    }
                    """.formatted(adminTokenFile, url, hashKeyFile, signKeyFile));
            Options reader = new Options.Builder().server(nats.url()).userInfo(USER, PASSWORD).build();
            try (JetconnectProcess runtime = JetconnectProcess.start(work,
                    Map.of("JETCONNECT_OPTS", "-Xmx256m -Djetconnect.log.level=DEBUG"), "run", "--config",
                    config.toString())) {
                int port = runtime.awaitListening(Duration.ofSeconds(60));
                awaitReady(served, port);
                driveEverything(served, port, adminToken);

                // The broker goes away: the chain spills, reconnect attempts are logged; then it comes back.
                nats.kill();
                assertEquals(202, served.post(port, "ingest", CE, event("during-outage", "acme")).statusCode(),
                        "dlq spills while the broker is away");
                runtime.awaitOutput("NATS", Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        served.get(port, "/metrics").body().contains("jetconnect_dlq"));
                served.get(port, "/readyz");
                served.get(port, "/v1/pipelines");
                nats.restart();
                try (Connection nc = Nats.connect(reader)) {
                    JetStreamManagement jsm = nc.jetStreamManagement();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                            .until(() -> "during-outage".equals(StreamReader.eventId(
                                    jsm.getLastMessage("SCAN", "scan.acme.v1"))));
                }
                driveEverything(served, port, adminToken);
                assertEquals(0, runtime.terminate(), runtime.output());
                served.text.append(runtime.output());
            }
            RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                    config.toString());
            assertEquals(0, checked.exitCode(), checked.output());
            RuntimeProcess.Result listed = RuntimeProcess.exec(work, Map.of(), "plugins", "--config",
                    config.toString());
            assertEquals(0, listed.exitCode(), listed.output());
            // A problem in the same file: check prints it, and nothing of the URL's userinfo with it.
            Path typo = Files.writeString(work.resolve("typo.conf"), Files.readString(config)
                    .replace("embedded = off", "embeded = off").replace("hash-key-file", "hash-key-fil"));
            RuntimeProcess.Result typoChecked = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                    typo.toString());
            assertEquals(1, typoChecked.exitCode(), typoChecked.output());
            assertTrue(typoChecked.output().contains("embeded"), typoChecked.output());
            served.text.append(checked.output()).append(listed.output()).append(typoChecked.output());
        }
        secrets.assertAbsent(served.text.toString());
    }

    /** Every route a user would touch, valid and invalid input, admin calls with wrong and right tokens. */
    private static void driveEverything(Served served, int port, String adminToken) throws Exception {
        assertEquals(202, served.post(port, "ingest", CE, event("ok-" + System.nanoTime(), "acme")).statusCode());
        assertEquals(202, served.post(port, "ingest", "application/cloudevents-batch+json",
                "[" + event("b1-" + System.nanoTime(), "acme") + "," + event("b2-" + System.nanoTime(), "globex")
                        + "]").statusCode());
        assertEquals(202, served.send(HttpRequest.newBuilder(uri(port, "/v1/pipelines/ingest/events"))
                .header("Content-Type", "application/json").header("ce-specversion", "1.0")
                .header("ce-id", "bin-" + System.nanoTime()).header("ce-source", "/scan").header("ce-type", "t")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenantId\":\"acme\",\"password\":\"hunter2\"}"))
                .build()).statusCode());
        assertEquals(400, served.post(port, "ingest", CE, "{\"specversion\":\"1.0\",\"id\":\"\"}").statusCode());
        assertEquals(400, served.post(port, "ingest", CE, "{not json").statusCode());
        int refused = served.post(port, "ingest", CE, event("bad-tenant", "a.b")).statusCode();
        // The producer waits, so a refusal for good is its answer, not a quarantined 202 (docs/reliability.md).
        assertEquals(422, refused, "a tenant that is not one subject token");
        assertEquals(415, served.post(port, "ingest", "text/plain", "x").statusCode());
        assertEquals(404, served.post(port, "nope", CE, event("x", "acme")).statusCode());
        for (String path : List.of("/metrics", "/healthz", "/readyz", "/v1/pipelines", "/v1/pipelines/ingest",
                "/v1/plugins", "/v1/pipelines/ingest/dlq", "/v1/pipelines/ingest/cursor", "/v1/pipelines/nope",
                "/nope", "/v1/pipelines/ingest/events")) {
            served.get(port, path);
        }
        for (String auth : new String[] {null, "Bearer wrong-token", "Bearer " + adminToken + "x", "Basic eDp5"}) {
            for (String path : List.of("/v1/pipelines/ingest/pause", "/v1/pipelines/ingest/restart", "/v1/reload",
                    "/v1/pipelines/ingest/dlq/drain")) {
                HttpRequest.Builder call = HttpRequest.newBuilder(uri(port, path))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody());
                if (auth != null) {
                    call.header("Authorization", auth);
                }
                int status = served.send(call.build()).statusCode();
                assertEquals(auth == null ? 401 : 403, status, path + " with " + auth);
            }
        }
        HttpRequest pause = HttpRequest.newBuilder(uri(port, "/v1/pipelines/ingest/pause"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertEquals(200, served.send(pause).statusCode());
        assertEquals(503, served.post(port, "ingest", CE, event("while-paused", "acme")).statusCode());
        HttpRequest resume = HttpRequest.newBuilder(uri(port, "/v1/pipelines/ingest/resume"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertEquals(200, served.send(resume).statusCode());
        awaitReady(served, port);
    }

    // ------------------------------------------------------------------------------ secrets: creds file and token

    @Test
    void aCredentialsFileNeverAppears() throws Exception {
        Secrets secrets = new Secrets();
        NKey account = NKey.createAccount(RANDOM);
        NKey user = NKey.createUser(RANDOM);
        String jwt = JwtUtils.issueUserJWT(account, new String(account.getPublicKey()),
                new String(user.getPublicKey()), "jetconnect-scan");
        String seed = new String(user.getSeed());
        secrets.add("creds seed", seed);
        secrets.add("creds JWT", jwt);
        secrets.add("creds JWT claims and signature", jwt.substring(jwt.indexOf('.') + 1));
        Path creds = secretFile("user.creds", String.format(JwtUtils.NATS_USER_JWT_FORMAT, jwt, seed));
        // nkey authentication: the server checks the seed's signature; the JWT rides along as in operator mode.
        Path serverConf = Files.writeString(work.resolve("nats-server.conf"),
                "authorization { users = [ { nkey: \"" + new String(user.getPublicKey()) + "\" } ] }\n");
        Served served = new Served();
        try (NatsServer nats = NatsServer.spawn("-c", serverConf.toString())) {
            Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), "CREDS", "creds",
                    "credentials-file = \"" + creds + "\""));
            RuntimeProcess.Result accepted = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                    config.toString());
            assertEquals(0, accepted.exitCode(), "jetconnect.nats.credentials-file is a documented setting "
                    + "(docs/configuration.md, the shipped pipeline.conf), yet: " + accepted.output());
            try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of("JETCONNECT_LOG_FORMAT", "json",
                    "JETCONNECT_OPTS", "-Xmx256m -Djetconnect.log.level=DEBUG"), "run", "--config",
                    config.toString())) {
                int port = runtime.awaitListening(Duration.ofSeconds(60));
                awaitReady(served, port);
                assertEquals(202, served.post(port, "ingest", CE, event("c-1", "acme")).statusCode());
                assertEquals(400, served.post(port, "ingest", CE, "[").statusCode());
                nats.kill();
                served.post(port, "ingest", CE, event("c-2", "acme"));
                runtime.awaitOutput("NATS", Duration.ofSeconds(30));
                nats.restart();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                        served.post(port, "ingest", CE, event("c-3", "acme")).statusCode() == 202);
                for (String path : List.of("/metrics", "/readyz", "/v1/pipelines", "/v1/plugins")) {
                    served.get(port, path);
                }
                assertEquals(0, runtime.terminate(), runtime.output());
                served.text.append(runtime.output());
            }
            RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--config",
                    config.toString());
            served.text.append(checked.output());
            // A creds file whose seed is corrupt: check and run refuse it at load time, naming the key, and the
            // error must not quote it.
            String corrupt = secrets.add("corrupt creds seed", seed.substring(0, seed.length() - 4) + "AAAA");
            Files.writeString(creds, String.format(JwtUtils.NATS_USER_JWT_FORMAT, jwt, corrupt));
            for (String verb : List.of("check", "run")) {
                RuntimeProcess.Result refused = RuntimeProcess.exec(work, Map.of(), verb, "--config",
                        config.toString());
                assertEquals(1, refused.exitCode(), refused.output());
                assertTrue(refused.output().contains("jetconnect.nats.credentials-file"), refused.output());
                served.text.append(refused.output());
            }
        }
        secrets.assertAbsent(served.text.toString());
    }

    @Test
    void aTokenInTheNatsUrlNeverAppears() throws Exception {
        Secrets secrets = new Secrets();
        String token = secrets.add("NATS token", token(24));
        Served served = new Served();
        try (NatsServer nats = NatsServer.spawn("--auth", token)) {
            String url = "nats://" + token + "@127.0.0.1:" + nats.port();
            Path config = Files.writeString(work.resolve("pipeline.conf"), config(url, "TOKEN", "token", ""));
            try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of(), "run", "--config",
                    config.toString())) {
                int port = runtime.awaitListening(Duration.ofSeconds(60));
                awaitReady(served, port);
                assertEquals(202, served.post(port, "ingest", CE, event("t-1", "acme")).statusCode());
                nats.kill();
                served.post(port, "ingest", CE, event("t-2", "acme"));
                runtime.awaitOutput("NATS connection", Duration.ofSeconds(30));
                for (String path : List.of("/metrics", "/readyz", "/v1/pipelines")) {
                    served.get(port, path);
                }
                nats.restart();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                        served.post(port, "ingest", CE, event("t-3", "acme")).statusCode() == 202);
                assertEquals(0, runtime.terminate(), runtime.output());
                served.text.append(runtime.output());
            }
            // A wrong token: the server refuses; the runtime says so without either token.
            String wrong = secrets.add("wrong NATS token", token(24));
            Path wrongConfig = Files.writeString(work.resolve("wrong.conf"),
                    config("nats://" + wrong + "@127.0.0.1:" + nats.port(), "TOKEN", "token", ""));
            try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of(), "run", "--config",
                    wrongConfig.toString())) {
                int port = runtime.awaitListening(Duration.ofSeconds(60));
                // Refused credentials need a person: the pipeline fails (it no longer retries for ever).
                runtime.awaitOutput("NATS refused the connection", Duration.ofSeconds(30));
                served.get(port, "/v1/pipelines");
                served.get(port, "/readyz");
                runtime.terminate();
                served.text.append(runtime.output());
            }
        }
        secrets.assertAbsent(served.text.toString());
    }

    @Test
    void aNatsUrlThatDoesNotParseIsNotEchoedWithItsPassword() throws Exception {
        Secrets secrets = new Secrets();
        secrets.add("NATS password", PASSWORD);
        String url = "nats://" + USER + ":" + PASSWORD + "@127.0.0.1:not-a-port";
        Path config = Files.writeString(work.resolve("pipeline.conf"), config(url, "BADURL", "badurl", ""));
        Served served = new Served();
        // check and run both refuse it at load time, naming the key and the line, with the userinfo redacted.
        RuntimeProcess.Result checked = RuntimeProcess.exec(work, Map.of(), "check", "--config", config.toString());
        assertEquals(1, checked.exitCode(), checked.output());
        assertTrue(checked.output().contains("Invalid value at 'jetconnect.nats.url': 'nats://***@127.0.0.1:"
                + "not-a-port' is not a URL"), checked.output());
        served.text.append(checked.output());
        try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of(), "run", "--config",
                config.toString())) {
            assertEquals(Optional.of(1), runtime.awaitExit(Duration.ofSeconds(60)));
            served.text.append(runtime.output());
        }
        RuntimeProcess.Result plugins = RuntimeProcess.exec(work, Map.of(), "plugins", "--config", config.toString());
        served.text.append(plugins.output());
        // Little is printed when the file is refused at once; what there is must still be clean.
        secrets.assertAbsentIn(served.text.toString());
    }

    // ------------------------------------------------------------------------------------------ tenant isolation

    @Test
    void noInputMakesAnEventLandOnAnotherTenantsSubject() throws Exception {
        whileReady("ISOLATION", "corpus", UnaryOperator.identity(), (nats, runtime, served, port) -> {
            // case name -> tenant id (JSON escapes in it are for the event's text)
            Map<String, String> refused = Map.of("dot", "acme.v1", "star", "acme.*", "gt", ">", "bare-star", "*",
                    "space", "acme v1", "nul", "acme\\u0000", "rtl-override", "acme\\u202e",
                    "newline", "acme\\nPUB corpus.globex.v1 1", "empty", "", "dots-only", "..");
            for (Map.Entry<String, String> tenant : refused.entrySet()) {
                HttpResponse<String> answer = served.post(port, "ingest", CE,
                        event("refused-" + tenant.getKey(), tenant.getValue()));
                assertEquals(422, answer.statusCode(), tenant.getKey() + ": " + answer.body());
                assertTrue(answer.body().contains("tenantId"), answer.body());
            }
            HttpResponse<String> binary = served.send(binary(port, "refused-binary", Map.of(),
                    "{\"tenantId\":\"globex.>\"}"));
            assertEquals(422, binary.statusCode(), binary.body());

            // Valid events whose other parts try to steer routing: all of them belong to acme.
            List<String> accepted = new ArrayList<>();
            String[][] steering = {
                    // id, source, type, extra members
                    {"corpus.globex.v1", "/iso", "t", ""},
                    {"subject-attribute", "/iso", "t", ",\"subject\":\"corpus.globex.v1\""},
                    {"tenantid-extension", "/iso", "t", ",\"tenantid\":\"globex\""},
                    {"source-and-type", "/globex", "globex", ""},
            };
            for (String[] s : steering) {
                String body = "{\"specversion\":\"1.0\",\"id\":\"" + s[0] + "\",\"source\":\"" + s[1]
                        + "\",\"type\":\"" + s[2] + "\"" + s[3] + ",\"datacontenttype\":\"application/json\","
                        + "\"data\":{\"tenantId\":\"acme\"}}";
                HttpResponse<String> answer = served.post(port, "ingest", CE, body);
                assertEquals(202, answer.statusCode(), s[0] + ": " + answer.body());
                accepted.add(s[0]);
            }
            String nested = "{\"specversion\":\"1.0\",\"id\":\"nested-tenant\",\"source\":\"/iso\",\"type\":\"t\","
                    + "\"data\":{\"inner\":{\"tenantId\":\"globex\"},\"tenantId\":\"acme\"}}";
            assertEquals(202, served.post(port, "ingest", CE, nested).statusCode());
            accepted.add("nested-tenant");
            HttpResponse<String> headers = served.send(binary(port, "binary-headers",
                    Map.of("ce-tenantid", "globex", "ce-subject", "corpus.globex.v1"), "{\"tenantId\":\"acme\"}"));
            assertEquals(202, headers.statusCode(), headers.body());
            accepted.add("binary-headers");
            HttpResponse<String> mixed = served.post(port, "ingest", "application/cloudevents-batch+json",
                    "[" + event("batch-acme-0", "acme") + "," + event("batch-bad", "globex.*") + ","
                            + event("batch-acme-2", "acme") + "]");
            assertEquals(422, mixed.statusCode(), mixed.body());
            assertTrue(mixed.body().contains("\"index\":1"), mixed.body());
            accepted.add("batch-acme-0");
            accepted.add("batch-acme-2");

            try (Connection nc = Nats.connect(nats.url())) {
                JetStreamManagement jsm = nc.jetStreamManagement();
                Map<String, Long> subjects = jsm.getStreamInfo("ISOLATION",
                        StreamInfoOptions.allSubjects()).getStreamState().getSubjectMap();
                assertEquals(Map.of("corpus.acme.v1", (long) accepted.size()), subjects,
                        "every accepted event on acme's subject, nothing anywhere else");
                long last = jsm.getStreamInfo("ISOLATION").getStreamState().getLastSequence();
                Set<String> ids = new TreeSet<>();
                for (long seq = 1; seq <= last; seq++) {
                    MessageInfo m = jsm.getMessage("ISOLATION", seq);
                    JsonNode stored = STRICT_JSON.readTree(m.getData());
                    assertEquals("acme", stored.path("data").path("tenantId").asText(), stored.toString());
                    ids.add(StreamReader.eventId(m));
                }
                assertEquals(new TreeSet<>(accepted), ids);
            }
            assertEquals(0, runtime.terminate(), runtime.output());
        });
    }

    @Test
    void binaryModeDataCannotForgeAnotherTenantInTheStoredEvent() throws Exception {
        whileReady("FORGE", "corpus", UnaryOperator.identity(), (nats, runtime, served, port) -> {
            // Routed on the first tenantId (acme); were the body stored raw, a second "data" member after it
            // would make last-wins readers see globex's event on acme's subject.
            HttpResponse<String> answer = served.send(binary(port, "forged", Map.of(),
                    "{\"tenantId\":\"acme\"},\"data\":{\"tenantId\":\"globex\"}"));
            try (Connection nc = Nats.connect(nats.url())) {
                JetStreamManagement jsm = nc.jetStreamManagement();
                long stored = jsm.getStreamInfo("FORGE").getStreamState().getMsgCount();
                String body = stored == 0 ? "" : new String(jsm.getLastMessage("FORGE", "corpus.acme.v1")
                        .getData(), StandardCharsets.UTF_8);
                assertEquals(400, answer.statusCode(), "binary-mode JSON data that is not one JSON value is "
                        + "refused; answered " + answer.statusCode() + ", stored: " + body);
                assertEquals(0, stored, body);
            } finally {
                runtime.terminate();
            }
        });
    }

    // --------------------------------------------------------------------------------------------- admin API

    @Test
    void aListenerOffLoopbackRefusesToStartWithoutAnAdminToken() throws Exception {
        try (NatsServer nats = NatsServer.spawn()) {
            Path config = Files.writeString(work.resolve("pipeline.conf"), config(nats.url(), "OPEN", "open", "")
                    .replace("host = 127.0.0.1", "host = 0.0.0.0"));
            try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of(), "run", "--config",
                    config.toString())) {
                int code = runtime.awaitExit(Duration.ofSeconds(60)).orElseThrow(() ->
                        new AssertionError("a listener on 0.0.0.0 without admin token must not start:\n"
                                + runtime.output()));
                assertEquals(1, code, runtime.output());
                assertTrue(runtime.output().contains("admin-token-file"), runtime.output());
                assertFalse(runtime.output().contains("listening on"), runtime.output());
            }
        }
    }

    @Test
    void offLoopbackMutatingAdminCallsNeedTheToken() throws Exception {
        String adminToken = token(32);
        Path tokenFile = secretFile("admin.token", adminToken + "\n");
        Served shown = whileReady("ADMIN", "admin", c -> c.replace("host = 127.0.0.1, port = 0",
                "host = 0.0.0.0, port = 0, admin-token-file = \"" + tokenFile + "\""),
                (nats, runtime, served, port) -> {
            assertEquals(401, served.send(adminCall(port, "POST", "/v1/pipelines/ingest/pause", null, ""))
                    .statusCode());
            assertEquals(403, served.send(adminCall(port, "POST", "/v1/pipelines/ingest/pause", "wrong", ""))
                    .statusCode());
            assertEquals("running", state(served, port), "refused calls change nothing");
            for (String[] call : new String[][] {{"POST", "/v1/pipelines/ingest/restart"},
                    {"POST", "/v1/pipelines/ingest/resume"}, {"POST", "/v1/reload"},
                    {"PUT", "/v1/pipelines/ingest/cursor"}, {"POST", "/v1/pipelines/ingest/dlq/drain"}}) {
                assertEquals(401, served.send(adminCall(port, call[0], call[1], null, "{\"position\":1}"))
                        .statusCode(), call[1]);
                assertEquals(403, served.send(adminCall(port, call[0], call[1], adminToken.substring(1),
                        "{\"position\":1}")).statusCode(), call[1]);
            }
            HttpResponse<String> paused = served.send(adminCall(port, "POST", "/v1/pipelines/ingest/pause",
                    adminToken, ""));
            assertEquals(200, paused.statusCode(), paused.body());
            assertEquals("paused", state(served, port));
            assertEquals(503, served.post(port, "ingest", CE, event("paused-1", "acme")).statusCode());
            assertEquals(200, served.send(adminCall(port, "POST", "/v1/pipelines/ingest/resume", adminToken, ""))
                    .statusCode());
            awaitReady(served, port);
            assertEquals(202, served.post(port, "ingest", CE, event("resumed-1", "acme")).statusCode());
            assertEquals(0, runtime.terminate(), runtime.output());
            assertFalse(runtime.output().contains(adminToken), "the token is never logged");
        });
        assertFalse(shown.text.toString().contains(adminToken), "the token is never served");
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** What a scenario gets: the broker, the runtime, the client that keeps all that was served, the port. */
    private interface Scenario {
        void run(NatsServer nats, JetconnectProcess runtime, Served served, int port) throws Exception;
    }

    /**
     * Runs {@code scenario} on a fresh broker against a runtime with {@link #config} (changed by {@code edit}) once it
     * is ready, and stops both after it.
     *
     * @return the client, with all that was served to it
     */
    private Served whileReady(String stream, String prefix, UnaryOperator<String> edit, Scenario scenario)
            throws Exception {
        Served served = new Served();
        try (NatsServer nats = NatsServer.spawn()) {
            Path config = Files.writeString(work.resolve("pipeline.conf"),
                    edit.apply(config(nats.url(), stream, prefix, "")));
            try (JetconnectProcess runtime = JetconnectProcess.start(work, Map.of(), "run", "--config",
                    config.toString())) {
                int port = runtime.awaitListening(Duration.ofSeconds(60));
                awaitReady(served, port);
                scenario.run(nats, runtime, served, port);
            }
        }
        return served;
    }

    /** A pipeline.conf with one pipeline {@code ingest}: http -> jetstream into {@code stream}. */
    private static String config(String natsUrl, String stream, String prefix, String natsExtra) {
        return """
                jetconnect {
                  data-dir = data-%s
                  http { host = 127.0.0.1, port = 0 }
                  nats { url = "%s", embedded = off, %s }
                  streams {
                    s { name = %s, subjects = ["%s.>"], max-age = 1h }
                  }
                  pipelines {
                    ingest {
                      source { type = http }
                      sinks = [ { type = jetstream, stream = s, subject = "%s.{tenantId}.v1" } ]
                    }
                  }
                }
                """.formatted(stream.toLowerCase(java.util.Locale.ROOT), natsUrl, natsExtra, stream, prefix, prefix);
    }

    private Path secretFile(String name, String content) throws IOException {
        Path file = Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String token(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static byte[] bytes(int n) {
        byte[] out = new byte[n];
        RANDOM.nextBytes(out);
        return out;
    }

    private static String event(String id, String tenant) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/scan\",\"type\":\"scan.test\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"" + tenant + "\",\"n\":1}}";
    }

    private static HttpRequest binary(int port, String id, Map<String, String> extra, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, "/v1/pipelines/ingest/events"))
                .header("Content-Type", "application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-source", "/iso").header("ce-type", "t");
        extra.forEach(request::header);
        return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest adminCall(int port, String method, String path, String token, String body) {
        HttpRequest.Builder call = HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            call.header("Authorization", "Bearer " + token);
        }
        return call.build();
    }

    private static String state(Served served, int port) throws IOException {
        return JSON.readTree(served.get(port, "/v1/pipelines/ingest").body()).path("state").asText();
    }

    private static void awaitReady(Served served, int port) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> served.get(port, "/readyz").statusCode() == 200);
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** An HTTP client that keeps everything it was served (status line, headers, body) for the scan. */
    private static final class Served {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final StringBuilder text = new StringBuilder();

        HttpResponse<String> get(int port, String path) throws IOException {
            return send(HttpRequest.newBuilder(uri(port, path)).GET().build());
        }

        HttpResponse<String> post(int port, String pipeline, String contentType, String body) throws IOException {
            return send(HttpRequest.newBuilder(uri(port, "/v1/pipelines/" + pipeline + "/events"))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        }

        HttpResponse<String> send(HttpRequest request) throws IOException {
            HttpRequest bounded = HttpRequest.newBuilder(request, (k, v) -> true).timeout(Duration.ofSeconds(30))
                    .build();
            try {
                HttpResponse<String> response = client.send(bounded, HttpResponse.BodyHandlers.ofString());
                synchronized (text) {
                    text.append(request.method()).append(' ').append(request.uri().getPath()).append(" -> ")
                            .append(response.statusCode()).append(' ').append(response.headers().map())
                            .append('\n').append(response.body()).append('\n');
                }
                return response;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** The secrets of a run, each with the forms a leak would likely take. */
    private static final class Secrets {
        private final Map<String, String> forms = new LinkedHashMap<>();

        String add(String name, String secret) {
            addBytes(name, secret.getBytes(StandardCharsets.UTF_8));
            forms.put(name, secret);
            return secret;
        }

        void addBytes(String name, byte[] secret) {
            forms.put(name + " as base64", Base64.getEncoder().encodeToString(secret));
            forms.put(name + " as base64 without padding", Base64.getEncoder().withoutPadding()
                    .encodeToString(secret));
            forms.put(name + " as base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            forms.put(name + " as hex", HexFormat.of().formatHex(secret));
            forms.put(name + " as HEX", HexFormat.of().withUpperCase().formatHex(secret));
        }

        /** Fails listing every secret found, with the line it was found on. */
        void assertAbsent(String everything) {
            assertTrue(everything.length() > 1000, "the scan needs something to scan:\n" + everything);
            assertAbsentIn(everything);
        }

        /** Like {@link #assertAbsent} for a short capture. */
        void assertAbsentIn(String everything) {
            assertTrue(!everything.isBlank(), "the scan needs something to scan");
            List<String> found = new ArrayList<>();
            for (Map.Entry<String, String> form : forms.entrySet()) {
                int at = everything.indexOf(form.getValue());
                if (at >= 0) {
                    int start = everything.lastIndexOf('\n', at) + 1;
                    int end = everything.indexOf('\n', at);
                    found.add(form.getKey() + " in: " + everything.substring(start, end < 0 ? everything.length()
                            : Math.min(end, start + 400)));
                }
            }
            assertEquals(List.of(), found, "secrets in what the runtime printed or served");
        }
    }
}
