package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every authentication method and the TLS checks of {@link NatsConnections}, each against a real nats-server
 * configured for it: the right secret connects, a wrong one fails with an error that says why and holds no
 * secret.
 */
class NatsAuthIT {

    private static final String PASSWORD = "pa55-w0rd-secret";
    private static final String TOKEN = "t0ken-very-secret";

    @TempDir
    Path dir;

    private static NatsSettings.Builder settings(NatsServer server) {
        return NatsSettings.builder(server.url()).connectionName("auth-it");
    }

    /** Connects, round-trips a request to prove the connection is usable, and closes. */
    private static void connects(NatsSettings settings) throws Exception {
        NatsConnections connections = NatsConnections.of(settings);
        try (Connection connection = connections.connect(connections.builder().noReconnect().build())) {
            assertEquals(Connection.Status.CONNECTED, connection.getStatus());
            assertTrue(connection.RTT().toNanos() > 0);
        }
    }

    /** Checks that {@code message} says each of {@code parts}. */
    private static void assertSays(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "no '" + part + "' in: " + message);
        }
    }

    /** @return the failure's message, checked to hold none of the secrets */
    private static String refused(NatsSettings settings, String... secrets) {
        NatsConnections connections = NatsConnections.of(settings);
        IOException e = assertThrows(IOException.class,
                () -> connections.connect(connections.builder().noReconnect()
                        .connectionTimeout(Duration.ofSeconds(3)).build()).close());
        // In the test report, to see what an operator would read.
        System.out.println("refused: " + e.getMessage());
        for (String secret : secrets) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("cannot connect to NATS at " + settings.redactedUrl()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void userAndPassword() throws Exception {
        try (NatsServer server = NatsServer.withConfig("authorization { user: alice, password: \"" + PASSWORD
                + "\" }")) {
            connects(settings(server).user("alice").password(PASSWORD).build());
            String message = refused(settings(server).user("alice").password("wrong-password").build(),
                    "wrong-password", PASSWORD);
            assertSays(message, "refused the credentials", "jetconnect.nats.user and password");
            // Nothing at all: the server says authorization is needed.
            assertTrue(refused(settings(server).build()).contains("refused the credentials"));
        }
    }

    @Test
    void userAndPasswordInTheUrlAreNeverQuoted() throws Exception {
        try (NatsServer server = NatsServer.withConfig("authorization { user: alice, password: \"" + PASSWORD
                + "\" }")) {
            String url = server.url().replace("nats://", "nats://alice:" + PASSWORD + "@");
            connects(NatsSettings.builder(url).build());
            String wrong = server.url().replace("nats://", "nats://alice:wrong-url-pass@");
            String message = refused(NatsSettings.builder(wrong).build(), "wrong-url-pass", "alice:");
            assertSays(message, "nats://***@127.0.0.1", "refused the credentials", "in jetconnect.nats.url");
        }
    }

    @Test
    void token() throws Exception {
        try (NatsServer server = NatsServer.withConfig("authorization { token: \"" + TOKEN + "\" }")) {
            connects(settings(server).token(TOKEN).build());
            String message = refused(settings(server).token("not-the-token").build(), "not-the-token", TOKEN);
            assertSays(message, "refused the credentials", "jetconnect.nats.token");
        }
    }

    @Test
    void nkeySeedFile() throws Exception {
        NKey user = NKey.createUser(null);
        NKey stranger = NKey.createUser(null);
        Path seed = Files.writeString(dir.resolve("user.nk"), new String(user.getSeed()) + "\n");
        Path wrongSeed = Files.writeString(dir.resolve("stranger.nk"), new String(stranger.getSeed()) + "\n");
        try (NatsServer server = NatsServer.withConfig("authorization { users: [ { nkey: "
                + new String(user.getPublicKey()) + " } ] }")) {
            connects(settings(server).nkeyFile(seed).build());
            String message = refused(settings(server).nkeyFile(wrongSeed).build(),
                    new String(stranger.getSeed()));
            assertSays(message, "refused the credentials", "jetconnect.nats.nkey-file");
        }
    }

    @Test
    void credentialsFileInOperatorMode() throws Exception {
        TestJwts jwts = new TestJwts();
        Path creds = Files.writeString(dir.resolve("user.creds"), jwts.creds(jwts.account));
        // A user of an account the server does not know (not in its resolver).
        NKey otherAccount = NKey.createAccount(null);
        Path strangerCreds = Files.writeString(dir.resolve("stranger.creds"), jwts.creds(otherAccount));
        try (NatsServer server = NatsServer.withConfig(jwts.serverConfig(dir))) {
            connects(settings(server).credentialsFile(creds).build());
            String message = refused(settings(server).credentialsFile(strangerCreds).build(),
                    Files.readString(strangerCreds).lines().filter(l -> l.startsWith("SU")).findFirst().orElseThrow());
            assertSays(message, "refused the credentials", "jetconnect.nats.credentials-file");
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessVerificationIsOff() throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        Path other = pki.issue("other", false, "other.example");
        try (NatsServer server = NatsServer.withConfig(tls(other, pki.caFile(), false))) {
            UnaryOperator<NatsSettings.Builder> trusting = b -> b.caFile(pki.caFile());
            String message = refused(trusting.apply(settings(server)).build());
            assertSays(message, "does not name the host", "tls-verify-hostname = false");
            // The same CA, with host name verification turned off: the certificate is accepted.
            connects(trusting.apply(settings(server)).tlsVerifyHostname(false).build());
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedEvenWithoutHostNameVerification() throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        Path server127 = pki.issue("server", false, "127.0.0.1");
        Path otherDir = Files.createDirectories(dir.resolve("other-ca"));
        TestCertificates otherCa = new TestCertificates(otherDir);
        try (NatsServer server = NatsServer.withConfig(tls(server127, pki.caFile(), false))) {
            String message = refused(settings(server).caFile(otherCa.caFile()).tlsVerifyHostname(false).build());
            assertSays(message, "the server's TLS certificate is not trusted", "jetconnect.nats.ca-file");
        }
    }

    @Test
    void clientCertificateRequiredByTheServer() throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        Path serverCert = pki.issue("server", false, "127.0.0.1", "localhost");
        Path client = pki.issue("client", true);
        try (NatsServer server = NatsServer.withConfig(tls(serverCert, pki.caFile(), true))) {
            NatsSettings.Builder trusting = settings(server).caFile(pki.caFile());
            connects(trusting.certFile(client).keyFile(TestCertificates.keyOf(client)).build());
            // Without a client certificate the server ends the handshake.
            String message = refused(settings(server).caFile(pki.caFile()).build());
            assertTrue(message.contains("set jetconnect.nats.cert-file and key-file"), message);
        }
    }

    @Test
    void tlsByHostNameMatchesTheDnsName() throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        Path serverCert = pki.issue("server", false, "localhost");
        try (NatsServer server = NatsServer.withConfig(tls(serverCert, pki.caFile(), false))) {
            connects(NatsSettings.builder("tls://localhost:" + server.port()).caFile(pki.caFile()).build());
        }
    }

    private static String tls(Path cert, Path ca, boolean verifyClients) {
        return "tls {\n  cert_file: \"" + cert + "\"\n  key_file: \"" + TestCertificates.keyOf(cert) + "\"\n"
                + "  ca_file: \"" + ca + "\"\n  verify: " + verifyClients + "\n  timeout: 2\n}\n";
    }
}
