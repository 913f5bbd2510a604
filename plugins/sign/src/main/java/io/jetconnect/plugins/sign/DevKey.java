package io.jetconnect.plugins.sign;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code generate-if-missing = true}: the first start of a development setup writes a random 32-byte HMAC key,
 * base64, readable by its owner only, so that the shipped pipeline signs out of the box. Never for Ed25519, and
 * never over an existing file. Its key id (unless {@code key-id} is set) is {@code dev-} and the first 8 hex digits
 * of the SHA-256 of the file ({@link #keyId}), so that two development setups never sign under one id; a key file
 * made by an earlier version keeps working, under that id too.
 */
final class DevKey {

    private DevKey() {
    }

    /**
     * @return {@code dev-} and 8 hex digits of the file's SHA-256
     * @throws IOException when it cannot be read
     */
    static String keyId(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(content);
            return "dev-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * @return whether a key was written (false when the file already existed)
     * @throws IOException when it cannot be written
     */
    static boolean createIfMissing(Path file) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(text);
        }
        return true;
    }
}
