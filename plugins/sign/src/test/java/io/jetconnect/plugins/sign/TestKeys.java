package io.jetconnect.plugins.sign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;

/** Writes fresh key files, private ones with permissions 600, for tests. */
final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    /** @return a file holding a random 32-byte HMAC key as base64 text and a newline */
    static Path hmac(Path dir, String name) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return write(dir.resolve(name), (Base64.getEncoder().encodeToString(secret) + "\n")
                .getBytes(StandardCharsets.US_ASCII), "rw-------");
    }

    /** An Ed25519 key pair written as PKCS#8 and X.509 PEM files. */
    record EdFiles(Path privateKey, Path publicKey) {
    }

    /** @return {@code NAME.pem} (private) and {@code NAME.pub.pem} (public) in {@code dir} */
    static EdFiles ed25519(Path dir, String name) {
        KeyPair pair = pair("Ed25519");
        return new EdFiles(
                write(dir.resolve(name + ".pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------"),
                write(dir.resolve(name + ".pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()), "rw-r--r--"));
    }

    static KeyPair pair(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static Path write(Path file, byte[] content, String permissions) {
        try {
            Files.write(file, content);
            chmod(file, permissions);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void chmod(Path file, String permissions) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to restrict
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
