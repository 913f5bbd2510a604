package io.jetconnect.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.StreamSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("pipeline.conf"), text);
    }

    private List<String> problems(String text) throws IOException {
        Path file = write(text);
        ConfigProblems e = assertThrows(ConfigProblems.class, () -> new PipelineConfigLoader().load(file));
        return e.problems();
    }

    private static final String VALID = """
            jetconnect {
              data-dir = data
              http { host = 127.0.0.1, port = 8083 }
              nats { url = "nats://127.0.0.1:4222", embedded = off }
              streams {
                events {
                  name = CELLOS_EVENTS
                  subjects = ["cellos.events.>"]
                  max-age = 90d
                  duplicate-window = 2m
                }
              }
              pipelines {
                ingest {
                  source { type = http }
                  sinks = [
                    { type = jetstream, stream = events, subject = "cellos.events.{tenantId}.v1" }
                  ]
                }
              }
            }
            """;

    @Test
    void loadsAValidFileWithDefaults() throws IOException {
        LoadedConfig config = new PipelineConfigLoader().load(write(VALID));
        assertEquals(1, config.pipelines().size());
        PipelineSpec ingest = config.pipelines().get(0);
        assertEquals("ingest", ingest.name());
        assertEquals("http", ingest.source().type());
        assertEquals("jetstream", ingest.sinks().get(0).type());
        StreamSpec events = config.settings().streams().get("events");
        assertEquals("CELLOS_EVENTS", events.name());
        assertEquals(Duration.ofDays(90), events.maxAge());
        assertEquals(Duration.ZERO, events.retentionFloor());
        assertEquals("file", events.storage());
        assertEquals(1, events.replicas());
        assertEquals(8083, config.settings().httpPort());
        assertEquals("off", config.settings().embedded());
        assertEquals(Duration.ofSeconds(30), config.settings().shutdownTimeout());
    }

    @Test
    void aTypoInARuntimeKeyNamesFileLineAndTheLikelyKey() throws IOException {
        List<String> problems = problems(VALID.replace("data-dir = data", "data-dri = data"));
        assertEquals(1, problems.size(), problems.toString());
        String problem = problems.get(0);
        assertTrue(problem.startsWith(dir.resolve("pipeline.conf") + ":2: Unknown key 'jetconnect.data-dri'"),
                problem);
        assertTrue(problem.contains("did you mean 'data-dir'"), problem);
    }

    @Test
    void allowedHostsDefaultToLoopbackNamesAndABadEntryNamesFileAndLine() throws IOException {
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]"),
                new PipelineConfigLoader().load(write(VALID)).settings().allowedHosts());
        Path file = write(VALID.replace("port = 8083 }", "port = 8083\n  allowed-hosts = [\"http://x.example\"] }"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> new PipelineConfigLoader().load(file));
        String message = e instanceof ConfigProblems p ? p.problems().toString() : e.getMessage();
        assertTrue(message.contains("pipeline.conf:4") && message.contains("jetconnect.http.allowed-hosts"), message);
    }

    @Test
    void thePipelineStartRetryIsABackoffFromReferenceConf() throws IOException {
        assertEquals(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                new PipelineConfigLoader().load(write(VALID)).settings().pipelineStartRetry());
        Backoff slower = new PipelineConfigLoader().load(write(VALID.replace("data-dir = data", "data-dir = data\n"
                + "  pipeline-start-retry { initial = 2s, max = 1m, multiplier = 1.5 }"))).settings()
                .pipelineStartRetry();
        assertEquals(Backoff.exponential(Duration.ofSeconds(2), Duration.ofMinutes(1)).withMultiplier(1.5), slower);

        Path file = write(VALID.replace("data-dir = data", "data-dir = data\n  pipeline-start-retry.max = 10ms"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> new PipelineConfigLoader().load(file));
        String message = e instanceof ConfigProblems p ? p.problems().toString() : e.getMessage();
        assertTrue(message.contains("pipeline.conf:3") && message.contains("jetconnect.pipeline-start-retry.max"),
                message);
    }

    @Test
    void aTypoInANestedRuntimeKeyIsFound() throws IOException {
        List<String> problems = problems(VALID.replace("http { host = 127.0.0.1, port = 8083 }",
                "http { hots = 127.0.0.1, port = 8083 }"));
        assertTrue(problems.get(0).contains(":3: Unknown key 'jetconnect.http.hots'"), problems.toString());
    }

    @Test
    void aWrongTypeNamesFileAndLine() throws IOException {
        List<String> problems = problems(VALID.replace("port = 8083", "port = eighty"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("pipeline.conf:3: Invalid value at 'jetconnect.http.port': expected a "
                + "number, got 'eighty'"), problems.get(0));
    }

    @Test
    void aStreamWithATypoOrWithoutSubjectsIsReported() throws IOException {
        List<String> problems = problems(VALID.replace("max-age = 90d", "max-agee = 90d")
                .replace("subjects = [\"cellos.events.>\"]", ""));
        assertTrue(problems.stream().anyMatch(p -> p.contains(":9: Unknown key 'jetconnect.streams.events.max-agee'")
                && p.contains("did you mean 'max-age'")), problems.toString());
    }

    /** One mistake in the valid file: the first problem reported names it (and, where given, its line). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "subjects = [\"cellos.events.>\"]|''|jetconnect.streams.events.subjects': a stream needs at least one",
        "source { type = http }|source { kind = http }|:15: Invalid value at 'jetconnect.pipelines.ingest.source.type'",
        "embedded = off|embedded = maybe|:4: Invalid value at 'jetconnect.nats.embedded': must be auto, on or off"})
    void aMissingOrInvalidSettingIsReported(String valid, String wrong, String reported) throws IOException {
        List<String> problems = problems(VALID.replace(valid, wrong));
        assertTrue(problems.get(0).contains(reported), problems.toString());
    }

    @Test
    void aPipelineWithoutSinksOrWithAnUnknownKeyIsReported() throws IOException {
        List<String> problems = problems(VALID.replace("sinks = [", "sink = [").replace(
                "{ type = jetstream, stream = events, subject = \"cellos.events.{tenantId}.v1\" }\n                  ]",
                "]"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("Unknown key 'jetconnect.pipelines.ingest.sink'")
                && p.contains("did you mean 'sinks'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("jetconnect.pipelines.ingest.sinks'")),
                problems.toString());
    }

    @Test
    void aSyntaxErrorNamesFileAndLine() throws IOException {
        List<String> problems = problems(VALID.replace("port = 8083 }", "port = 8083 "));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(dir.resolve("pipeline.conf") + ":"), problems.get(0));
    }

    @Test
    void aMissingFileIsAProblemNotACrash() {
        Path missing = dir.resolve("nope.conf");
        ConfigProblems e = assertThrows(ConfigProblems.class, () -> new PipelineConfigLoader().load(missing));
        assertEquals(List.of(missing + ": no such file"), e.problems());
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        List<String> problems = problems(VALID.replace("data-dir = data", "data-dri = data")
                .replace("max-age = 90d", "max-agee = 90d"));
        assertEquals(2, problems.size(), problems.toString());
    }

    @Test
    void anUnparseableNatsUrlIsRefusedWithoutItsPassword() throws IOException {
        List<String> problems = problems(VALID.replace("url = \"nats://127.0.0.1:4222\"",
                "url = \"nats://jcuser:S3cr3t@127.0.0.1:not-a-port\""));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(":4: Invalid value at 'jetconnect.nats.url': 'nats://***@127.0.0.1:"
                + "not-a-port' is not a URL"), problems.get(0));
        assertTrue(!problems.get(0).contains("S3cr3t"), problems.get(0));
    }

    @Test
    void natsAuthenticationKeysAreReadAndChecked() throws Exception {
        io.nats.client.NKey account = io.nats.client.NKey.createAccount(null);
        io.nats.client.NKey user = io.nats.client.NKey.createUser(null);
        String jwt = io.nats.client.support.JwtUtils.issueUserJWT(account, new String(account.getPublicKey()),
                new String(user.getPublicKey()));
        Path creds = Files.writeString(dir.resolve("app.creds"), String.format(
                io.nats.client.support.JwtUtils.NATS_USER_JWT_FORMAT, jwt, new String(user.getSeed())));
        LoadedConfig config = new PipelineConfigLoader().load(write(VALID.replace("embedded = off",
                "embedded = off, credentials-file = \"" + creds + "\", tls-verify-hostname = false")));
        assertEquals(creds, config.settings().nats().credentialsFile().orElseThrow());
        assertEquals(false, config.settings().nats().tlsVerifyHostname());

        LoadedConfig password = new PipelineConfigLoader().load(write(VALID.replace("embedded = off",
                "embedded = off, user = alice, password = \"pw-S3cret\"")));
        assertEquals("pw-S3cret", password.settings().nats().password().orElseThrow());
        assertTrue(password.settings().nats().tlsVerifyHostname(), "on by default");
    }

    @Test
    void natsSettingsThatCannotWorkAreReportedAtTheirLineWithoutTheSecret() throws IOException {
        List<String> twoMethods = problems(VALID.replace("embedded = off",
                "embedded = off, user = alice, password = \"pw-S3cret\", token = \"tok-S3cret\""));
        assertTrue(twoMethods.get(0).contains(":4: jetconnect.nats: set one authentication method, not "
                + "user/password and token"), twoMethods.toString());
        assertTrue(twoMethods.stream().noneMatch(p -> p.contains("S3cret")), twoMethods.toString());

        List<String> missingCa = problems(VALID.replace("embedded = off",
                "embedded = off\n  ca-file = /nonexistent/ca.pem"));
        assertTrue(missingCa.get(0).contains(":5: jetconnect.nats.ca-file: cannot read /nonexistent/ca.pem"),
                missingCa.toString());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolder() throws IOException {
        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/ca.pem"), io.jetconnect.testing.TestCertificates.CA_PEM);
        Path file = write(VALID.replace("data-dir = data", "data-dir = data, plugins-dir = \"../plugins\"")
                .replace("embedded = off }", "embedded = off, ca-file = tls/ca.pem }"));
        RuntimeSettings settings = new PipelineConfigLoader().load(file).settings();
        assertEquals(dir.resolve("data").toAbsolutePath().normalize(), settings.dataDir());
        assertEquals(dir.resolve("../plugins").toAbsolutePath().normalize(), settings.pluginsDir());
        assertEquals(dir.resolve("tls/ca.pem").toAbsolutePath().normalize(), settings.nats().caFile().orElseThrow());
    }

    @Test
    void aNonLoopbackHostWithoutAnAdminTokenIsRefusedAtItsLine() throws IOException {
        List<String> problems = problems(VALID.replace("host = 127.0.0.1", "host = 0.0.0.0"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(dir.resolve("pipeline.conf") + ":3: Invalid value at "
                + "'jetconnect.http.host': 0.0.0.0 is not a loopback address"), problems.get(0));
        Path withToken = write(VALID.replace("host = 127.0.0.1", "host = 0.0.0.0, admin-token-file = admin.token"));
        assertEquals(dir.resolve("admin.token").toAbsolutePath().normalize(),
                new PipelineConfigLoader().load(withToken).settings().adminTokenFile().orElseThrow());
    }

    @Test
    void aSystemPropertyOverridesTheFileAndATypoInOneIsReported() throws IOException {
        Path file = write(VALID);
        System.setProperty("jetconnect.http.port", "9123");
        try {
            assertEquals(9123, new PipelineConfigLoader().load(file).settings().httpPort());
        } finally {
            System.clearProperty("jetconnect.http.port");
        }
        System.setProperty("jetconnect.http.prot", "9123");
        try {
            List<String> problems = problems(VALID);
            assertTrue(problems.stream().anyMatch(p -> p.contains("'jetconnect.http.prot'")), problems.toString());
        } finally {
            System.clearProperty("jetconnect.http.prot");
        }
    }
}
