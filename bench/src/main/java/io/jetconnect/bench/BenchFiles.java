package io.jetconnect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

/** The bench's temporary files: the signing keys it generates, and removing a directory tree. */
final class BenchFiles {

    private BenchFiles() {
    }

    /** Writes a random 32-byte HMAC key, base64, readable by the owner only. */
    static Path hmacKey(Path dir) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return ownerOnly(dir.resolve("bench-hmac.key"), Base64.getEncoder().encodeToString(key) + "\n");
    }

    /** Writes a new Ed25519 private key as a PKCS#8 PEM block, readable by the owner only. */
    static Path ed25519Key(Path dir) throws IOException {
        byte[] pkcs8;
        try {
            pkcs8 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK cannot make an Ed25519 key: " + e.getMessage(), e);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
        return ownerOnly(dir.resolve("bench-ed25519.pem"), pem);
    }

    private static Path ownerOnly(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the sign plugin only warns
        }
        return file;
    }

    /** Deletes a directory tree; a missing one is fine. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
