package io.jetconnect.runtime.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.config.RuntimeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether {@code nats.embedded} wants a child server, decided from real pipeline.conf files. */
class EmbeddedNatsTest {

    @TempDir
    Path work;

    private RuntimeSettings settings(String nats) throws Exception {
        Path file = Files.writeString(work.resolve("pipeline.conf"), "jetconnect {\n  data-dir = \""
                + work.resolve("data") + "\"\n  nats {\n    " + nats + "\n  }\n}\n");
        return new PipelineConfigLoader().load(file).settings();
    }

    private static RuntimeSettings fromEnvironment(RuntimeSettings s) {
        return new RuntimeSettings(s.pluginsDir(), s.dataDir(), s.strict(), s.shutdownTimeout(), s.httpHost(),
                s.httpPort(), s.nats(), s.embedded(), true, s.streams(), s.liveFeed(), s.adminTokenFile(),
                s.requestTimeout(), Optional.of("env variables"), s.allowedHosts(), s.pipelineStartRetry());
    }

    private static void assertWanted(EmbeddedNats.Decision d, String host, int port) {
        assertTrue(d.wanted(), d.toString());
        assertEquals(host, d.host(), d.toString());
        assertEquals(port, d.port(), d.toString());
    }

    @Test
    void autoWithTheReferenceDefaultUrlWantsAServerOnIt() throws Exception {
        assumeTrue(System.getenv("NATS_URL") == null, "NATS_URL is set in this environment");
        EmbeddedNats.Decision d = EmbeddedNats.decide(settings("embedded = auto"));
        assertWanted(d, "127.0.0.1", 4222);
    }

    @Test
    void autoNeverStandsInForAUrlSetInTheFile() throws Exception {
        EmbeddedNats.Decision d = EmbeddedNats.decide(settings("url = \"nats://127.0.0.1:4999\", embedded = auto"));
        assertFalse(d.wanted());
        assertTrue(d.reason().get().startsWith("jetconnect.nats.url is configured ("), d.reason().get());
        assertTrue(d.reason().get().contains("pipeline.conf:4"), "names where: " + d.reason().get());
    }

    @Test
    void autoNeverStandsInForAUrlSetInTheFileEvenWhenItIsTheDefaultOne() throws Exception {
        EmbeddedNats.Decision d = EmbeddedNats.decide(settings("url = \"nats://127.0.0.1:4222\"\n embedded = auto"));
        assertFalse(d.wanted(), "the operator named a broker, whatever its address");
    }

    @Test
    void autoNeverStandsInForNatsUrl() throws Exception {
        EmbeddedNats.Decision d = EmbeddedNats.decide(fromEnvironment(settings("embedded = auto")));
        assertFalse(d.wanted());
        assertEquals(Optional.of("NATS_URL is set"), d.reason());
    }

    @Test
    void aUrlFromAFileThePipelineConfIncludesCountsAsConfigured() throws Exception {
        Path site = Files.writeString(work.resolve("site.conf"), "jetconnect.nats.url = \"nats://127.0.0.1:4999\"\n");
        Path file = Files.writeString(work.resolve("pipeline.conf"), "include file(\"" + site + "\")\n"
                + "jetconnect { data-dir = \"" + work.resolve("data") + "\", nats.embedded = auto }\n");
        EmbeddedNats.Decision d = EmbeddedNats.decide(new PipelineConfigLoader().load(file).settings());
        assertFalse(d.wanted(), d.toString());
    }

    @Test
    void onStartsOnAConfiguredLoopbackUrl() throws Exception {
        EmbeddedNats.Decision d = EmbeddedNats.decide(settings("url = \"nats://localhost:4999\", embedded = on"));
        assertWanted(d, "localhost", 4999);
    }

    @Test
    void onCannotServeARemoteOrClusterUrl() throws Exception {
        assertFalse(EmbeddedNats.decide(settings("url = \"nats://10.1.2.3:4222\", embedded = on")).wanted());
        assertFalse(EmbeddedNats.decide(settings(
                "url = \"nats://127.0.0.1:4222,nats://127.0.0.1:4223\", embedded = on")).wanted());
        assertFalse(EmbeddedNats.decide(settings("url = \"tls://127.0.0.1:4222\", embedded = on")).wanted());
    }

    @Test
    void offNeverStartsOne() throws Exception {
        assertFalse(EmbeddedNats.decide(settings("embedded = off")).wanted());
        assertFalse(EmbeddedNats.decide(settings("url = \"nats://127.0.0.1:4999\", embedded = off")).wanted());
    }

    @Test
    void theShippedConfigWithoutNatsUrlStillGetsTheDevelopmentServer() throws Exception {
        assumeTrue(System.getenv("NATS_URL") == null, "NATS_URL is set in this environment");
        Path shipped = Path.of("../config/pipeline.conf").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(shipped), shipped.toString());
        Path file = Files.writeString(work.resolve("pipeline.conf"), "include file(\"" + shipped + "\")\n"
                + "jetconnect.data-dir = \"" + work.resolve("data") + "\"\n");
        EmbeddedNats.Decision d = EmbeddedNats.decide(new PipelineConfigLoader().load(file).settings());
        assertTrue(d.wanted(), d.toString());
        assertEquals(4222, d.port());
    }
}
