package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.nats.NatsConnections;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A nats-server that requires TLS with a certificate from a private CA, made with openssl for this test. */
class TlsIT {

    @TempDir
    static Path dir;
    private static NatsServer server;
    private static Path ca;

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }

    @BeforeAll
    static void start() throws Exception {
        String ec = "ec_paramgen_curve:prime256v1";
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "2", "-subj", "/CN=jetconnect test CA");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "server.key",
                "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.cnf");
        ca = dir.resolve("ca.pem");
        server = NatsServer.spawn("--tls", "--tlscert", dir.resolve("server.pem").toString(),
                "--tlskey", dir.resolve("server.key").toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static SinkContext context(String hocon, NatsSettings nats) {
        return TestContexts.of("jetstream").config(hocon).nats(nats)
                .stream(TestContexts.fileStream("secure", "SECURE", "secure.>")).sink();
    }

    private static SinkContext context(String url, Optional<Path> caFile) {
        return context("stream = secure, subject = \"secure.{tenantId}\"",
                NatsSettings.builder(url).caFile(caFile.orElse(null)).connectionName("jetconnect-tls-test").build());
    }

    @Test
    void publishesOverTlsTrustingThePrivateCa() throws Exception {
        JetStreamSink sink = new JetStreamSink();
        sink.open(context(server.url(), Optional.of(ca)));
        sink.emit(event("tls-1", "acme", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sink.close();
        // Read back over TLS too, with the context the sink built from the CA file.
        try (io.nats.client.Connection nc = NatsConnections.of(NatsSettings.builder(server.url()).caFile(ca).build())
                .connect()) {
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("SECURE").getStreamState().getMsgCount());
        }
    }

    @Test
    void anUntrustedServerLeavesTheSinkWaitingWithoutLeakingCredentials() throws Exception {
        // A server the sink cannot trust (yet) is a broker it cannot reach: the sink opens and waits, as during an
        // outage, and refuses events retriably; neither the refusal nor the reason it gives carries the secret.
        String url = server.url().replace("nats://", "nats://alice:s3cret-token@");
        JetStreamSink sink = new JetStreamSink();
        sink.open(context(url, Optional.empty()));
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> sink.emit(event("tls-untrusted", "acme", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(RetriableException.class, e.getCause());
            String message = e.getCause().getMessage();
            assertFalse(message.contains("s3cret"), message);
            assertTrue(message.contains("***@127.0.0.1"), message);
        } finally {
            sink.close();
        }
    }

    @Test
    void unusableCaOrCredentialsFilesAreReportedByPath() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "no certificate here");
        JetconnectException e = assertThrows(JetconnectException.class,
                () -> NatsConnections.of(NatsSettings.builder(server.url()).caFile(notPem).build()));
        assertTrue(e.getMessage().contains("not.pem"), e.getMessage());

        Path missing = dir.resolve("missing.creds");
        JetStreamSink sink = new JetStreamSink();
        SinkContext context = context("stream = secure, subject = \"secure.x\"",
                NatsSettings.builder(server.url()).caFile(ca).credentialsFile(missing).connectionName("t").build());
        JetconnectException creds = assertThrows(JetconnectException.class, () -> sink.open(context));
        assertTrue(creds.getMessage().contains("missing.creds"), creds.getMessage());
    }
}
