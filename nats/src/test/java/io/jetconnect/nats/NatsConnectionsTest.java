package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsConnectionsTest {

    private static final String URL = "nats://127.0.0.1:4222";

    @TempDir
    Path dir;

    private static String refused(NatsSettings settings) {
        return assertThrows(ConfigurationException.class, () -> NatsConnections.of(settings)).getMessage();
    }

    @Test
    void oneAuthenticationMethodAtATime() {
        String message = refused(NatsSettings.builder(URL).user("u").password("secret-1").token("secret-2").build());
        assertTrue(message.contains("user/password and token"), message);
        assertFalse(message.contains("secret-"), message);
    }

    @Test
    void userAndPasswordGoTogether() {
        assertTrue(refused(NatsSettings.builder(URL).user("u").build()).contains("user and password go together"));
        assertTrue(refused(NatsSettings.builder(URL).password("p").build()).contains("go together"));
    }

    @Test
    void certAndKeyGoTogether() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertTrue(refused(NatsSettings.builder(URL).certFile(cert).build()).contains("cert-file and key-file"));
    }

    @Test
    void keyFilesAreCheckedWithoutQuotingThem() throws Exception {
        Path sec1 = Files.writeString(dir.resolve("k.pem"),
                "-----BEGIN EC PRIVATE KEY-----\nTOPSECRETBYTES\n-----END EC PRIVATE KEY-----\n");
        String message = assertThrows(ConfigurationException.class, () -> TlsContexts.privateKey(sec1)).getMessage();
        assertTrue(message.startsWith("jetconnect.nats.key-file: "), message);
        assertTrue(message.contains("openssl pkcs8 -topk8"), message);
        assertFalse(message.contains("TOPSECRET"), message);

        Path seed = Files.writeString(dir.resolve("bad.nk"), "SUNOTAVALIDSEED\n");
        String nkey = refused(NatsSettings.builder(URL).nkeyFile(seed).build());
        assertTrue(nkey.contains("jetconnect.nats.nkey-file") && nkey.contains("malformed"), nkey);
        assertFalse(nkey.contains("SUNOTAVALIDSEED"), nkey);

        Path bareSeed = Files.writeString(dir.resolve("bare.creds"), new String(NKey.createUser(null).getSeed()));
        assertTrue(refused(NatsSettings.builder(URL).credentialsFile(bareSeed).build()).contains("no user JWT"));
        assertTrue(refused(NatsSettings.builder(URL).nkeyFile(dir.resolve("missing.nk")).build())
                .contains("cannot read"));
    }

    @Test
    void secretsNeverReachToStringOrScrubbedText() {
        NatsSettings settings = NatsSettings.builder("nats://bob:url-pass@h:4222").user("alice")
                .password("pw-secret").build();
        assertFalse(settings.toString().contains("pw-secret"), settings.toString());
        assertFalse(settings.toString().contains("url-pass"), settings.toString());
        assertEquals("password refused: ***, url nats://***@h:4222", NatsConnections.scrub(settings,
                "password refused: pw-secret, url nats://bob:url-pass@h:4222"));
        NatsSettings token = NatsSettings.builder(URL).token("tok-secret").build();
        assertFalse(token.toString().contains("tok-secret"));
        assertEquals("saw ***", NatsConnections.scrub(token, "saw tok-secret"));
    }

    @Test
    void tlsIsUsedForTlsUrlsAndTlsFilesOnly() throws Exception {
        assertFalse(TlsContexts.wanted(NatsSettings.builder(URL).build()));
        assertTrue(TlsContexts.wanted(NatsSettings.builder("tls://h:4222").build()));
        assertTrue(TlsContexts.wanted(NatsSettings.builder(URL).caFile(dir.resolve("ca.pem")).build()));
        TestCertificates pki = new TestCertificates(dir);
        assertTrue(NatsConnections.of(NatsSettings.builder(URL).caFile(pki.caFile()).build()).base()
                .getSslContext() instanceof TlsContexts.HostnameVerifying);
        assertFalse(NatsConnections.of(NatsSettings.builder(URL).caFile(pki.caFile()).tlsVerifyHostname(false)
                .build()).base().getSslContext() instanceof TlsContexts.HostnameVerifying);
    }

    @Test
    void theBuilderKeepsEverySettingAcrossAUrlChange() {
        NatsSettings settings = NatsSettings.builder(URL).user("u").password("p").tlsVerifyHostname(false)
                .connectionName("n").build();
        NatsSettings moved = settings.toBuilder().url("nats://other:4222").build();
        assertEquals("nats://other:4222", moved.url());
        assertEquals(settings.toBuilder().url("nats://other:4222").build(), moved);
        assertFalse(moved.tlsVerifyHostname());
        assertEquals("p", moved.password().orElseThrow());
    }
}
