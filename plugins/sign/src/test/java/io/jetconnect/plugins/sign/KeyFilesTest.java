package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @TempDir
    Path dir;

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);

    private Path file(String name, byte[] content) {
        return TestKeys.write(dir.resolve(name), content, "rw-------");
    }

    private static KeyFileException failure(Path file, SignatureAlgorithm expected) {
        return assertThrows(KeyFileException.class, () -> KeyFiles.read(file, "k", expected));
    }

    @Test
    void base64TextIsDecodedAndRawBytesAreTakenAsThey() throws Exception {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (i * 37);
        }
        Path text = file("text.key", ("  " + Base64.getEncoder().encodeToString(secret) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Path raw = file("raw.key", secret);
        SignatureKey fromText = KeyFiles.read(text, "k", SignatureAlgorithm.HMAC_SHA256);
        SignatureKey fromRaw = KeyFiles.read(raw, "k", null);
        assertInstanceOf(HmacKey.class, fromRaw);
        assertTrue(fromRaw.verify(MESSAGE, fromText.sign(MESSAGE)), "base64 text and raw bytes are the same key");

        byte[] passphrase = "correct horse battery staple, 32+ bytes\n".getBytes(StandardCharsets.US_ASCII);
        SignatureKey fromPassphrase = KeyFiles.read(file("pass.key", passphrase), "k", null);
        assertTrue(new HmacKey("k", passphrase).verify(MESSAGE, fromPassphrase.sign(MESSAGE)),
                "text that is not base64 is raw bytes, newline included");
    }

    @Test
    void shortHmacKeysAreRefused() {
        Path file = file("short.key", Base64.getEncoder().encode(new byte[16]));
        assertTrue(failure(file, null).getMessage().contains("16 bytes (decoded from base64)"));
        // 32 letters are base64 text of 24 bytes, not 32 raw bytes: the rule is the documented one.
        byte[] letters = new byte[32];
        Arrays.fill(letters, (byte) 'Z');
        assertTrue(failure(file("letters.key", letters), null).getMessage().contains("24 bytes"));
        assertTrue(failure(file("raw.key", new byte[31]), null).getMessage().contains("31 bytes (raw)"));
    }

    @Test
    void ed25519PemFilesLoadAndPair() throws Exception {
        TestKeys.EdFiles files = TestKeys.ed25519(dir, "ed");
        SignatureKey privateKey = KeyFiles.read(files.privateKey(), "ed", SignatureAlgorithm.ED25519);
        SignatureKey publicKey = KeyFiles.read(files.publicKey(), "ed", null);
        assertTrue(privateKey.canSign());
        assertFalse(publicKey.canSign());
        assertFalse(publicKey.secret());
        assertTrue(publicKey.verify(MESSAGE, privateKey.sign(MESSAGE)));
        assertTrue(privateKey.verify(MESSAGE, privateKey.sign(MESSAGE)), "the public key is derived");
    }

    @Test
    void theCommittedOpensslKeysLoad() throws Exception {
        assertInstanceOf(Ed25519Key.class, KeyFiles.read(Vectors.file("ed-2025.pem"), "ed-2025", null));
        assertInstanceOf(Ed25519Key.class, KeyFiles.read(Vectors.file("ed-2025.pub.pem"), "ed-2025", null));
        assertInstanceOf(HmacKey.class, KeyFiles.read(Vectors.file("hmac-2025.key"), "hmac-2025", null));
    }

    @Test
    void wrongKindsOfFileAreRefusedWithoutTheirContent() {
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed");
        Path hmac = TestKeys.hmac(dir, "h.key");
        Path rsa = file("rsa.pem", TestKeys.pem("PRIVATE KEY", TestKeys.pair("RSA").getPrivate().getEncoded()));
        Path encrypted = file("enc.pem", TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[48]));
        Path certificate = file("cert.pem", TestKeys.pem("CERTIFICATE", new byte[48]));
        Path garbage = file("garbage.pem", TestKeys.pem("PRIVATE KEY", "not DER at all".getBytes()));
        Path brokenPem = file("broken.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n".getBytes());

        assertMessage(failure(ed.privateKey(), SignatureAlgorithm.HMAC_SHA256), "PEM key", ed.privateKey());
        assertMessage(failure(hmac, SignatureAlgorithm.ED25519), "not PEM", hmac);
        assertMessage(failure(rsa, null), "not Ed25519", rsa);
        assertMessage(failure(encrypted, null), "encrypted", encrypted);
        assertMessage(failure(certificate, null), "CERTIFICATE", certificate);
        assertMessage(failure(garbage, null), "malformed", garbage);
        assertMessage(failure(brokenPem, null), "not valid PEM", brokenPem);
        assertMessage(failure(dir.resolve("missing.key"), null), "does not exist", null);
        assertMessage(failure(dir, null), "not a regular file", null);
        assertMessage(failure(file("empty.key", new byte[0]), null), "empty", null);
        assertMessage(failure(file("huge.key", new byte[KeyFiles.MAX_SIZE + 1]), null), "too large", null);
    }

    private static void assertMessage(KeyFileException e, String expected, Path file) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        if (file != null) {
            String content = new String(readAll(file), StandardCharsets.ISO_8859_1);
            for (String line : content.split("\n")) {
                if (line.length() > 8 && !line.startsWith("-----")) {
                    assertFalse(e.getMessage().contains(line.trim()), "the message quotes the key file");
                }
            }
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void keysNeverShowTheirMaterial() throws Exception {
        Path hmacFile = TestKeys.hmac(dir, "h.key");
        TestKeys.EdFiles ed = TestKeys.ed25519(dir, "ed");
        for (Path file : new Path[] {hmacFile, ed.privateKey(), ed.publicKey()}) {
            SignatureKey key = KeyFiles.read(file, "k1", null);
            String text = key.toString() + new EventSigner(key.canSign() ? key : KeyFiles.read(ed.privateKey(),
                    "k1", null)) + new KeyRing(java.util.List.of(key));
            String content = new String(readAll(file), StandardCharsets.US_ASCII);
            for (String line : content.split("\n")) {
                if (!line.startsWith("-----") && !line.isBlank()) {
                    assertFalse(text.contains(line.trim()), text);
                }
            }
            assertTrue(key.toString().startsWith("SignatureKey[id=k1, algorithm="), key.toString());
        }
    }

    @Test
    void filesOpenToGroupOrOthersAreFlagged() {
        Path file = TestKeys.hmac(dir, "h.key");
        assumeTrue(Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null,
                "POSIX permissions are not supported here");
        assertEquals(Optional.empty(), KeyFiles.permissionWarning(file));
        TestKeys.chmod(file, "rw-r--r--");
        Optional<String> warning = KeyFiles.permissionWarning(file);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("rw-r--r--") && warning.get().contains("chmod 600"), warning.get());
        TestKeys.chmod(file, "rw--w----");
        assertTrue(KeyFiles.permissionWarning(file).isPresent(), "group write counts too");
    }

    @Test
    void keyIdsComeFromFileNamesUpToTheFirstDot() {
        assertEquals("k2025", KeyFiles.defaultKeyId(Path.of("/etc/keys/k2025.pub.pem")));
        assertEquals("k2025", KeyFiles.defaultKeyId(Path.of("k2025.key")));
        assertEquals("k2025", KeyFiles.defaultKeyId(Path.of("k2025")));
        assertEquals("", KeyFiles.defaultKeyId(Path.of(".hidden")));
        assertTrue(KeyFiles.validKeyId("ed-2025.q1_b"));
        assertFalse(KeyFiles.validKeyId(""));
        assertFalse(KeyFiles.validKeyId("-x"));
        assertFalse(KeyFiles.validKeyId("a b"));
        assertFalse(KeyFiles.validKeyId("x".repeat(65)));
    }

    @Test
    void base64DetectionIsStrict() {
        assertTrue(KeyFiles.isBase64("AAAA"));
        assertTrue(KeyFiles.isBase64("AAE="));
        assertTrue(KeyFiles.isBase64("AA=="));
        assertFalse(KeyFiles.isBase64("AAA"));
        assertFalse(KeyFiles.isBase64("AA-_"));
        assertFalse(KeyFiles.isBase64("A==="));
        assertFalse(KeyFiles.isBase64("A=AA"));
    }
}
