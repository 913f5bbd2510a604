package io.jetconnect.plugins.redact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the key of {@code hash-key-file}: the file's bytes without trailing CR and LF, at least
 * {@value #MIN_BYTES} of them. Warns when the file is readable by group or others (on file systems with POSIX
 * permissions). Neither its messages nor its log lines contain any byte of the key.
 */
final class HashKeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(HashKeyFile.class);
    static final int MIN_BYTES = 16;
    static final int MAX_BYTES = 64 * 1024;

    private HashKeyFile() {
    }

    /**
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException saying why the file cannot serve as a key, without its content
     */
    static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Files.exists(file)
                    ? "'" + file + "' is not a regular file"
                    : "'" + file + "' does not exist");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("'" + file + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("'" + file + "' is not readable: permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + file + "' is not readable: " + e.getClass().getSimpleName());
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("'" + file + "' is larger than " + MAX_BYTES + " bytes");
        }
        int length = bytes.length;
        while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
            length--;
        }
        byte[] key = Arrays.copyOf(bytes, length);
        Arrays.fill(bytes, (byte) 0);
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("'" + file + "' holds " + key.length + " bytes; a key needs at least "
                    + MIN_BYTES + " (for example: head -c 32 /dev/urandom > " + file.getFileName() + ")");
        }
        warnIfShared(file);
        return key;
    }

    private static void warnIfShared(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // no POSIX permissions on this file system: nothing to check
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.warn("hash-key-file '{}' is readable by group or others; anyone who can read it can test guesses "
                    + "against the hashes of redacted values (chmod 600 it)", file);
        }
    }
}
