package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret that authenticates the spill log's records: 32 random bytes in {@code <dlq dir>/spill.key}, created at
 * the first start with mode 0600 and published atomically (written to a temporary file, then linked to its name, so
 * that a crash leaves either no key or a whole one, and two processes never end up with different keys). Records
 * carry HMAC-SHA256 tags under it ({@link RecordCodec}): an event's data, chosen by a client who does not know the
 * key, cannot contain bytes that read as a record. The key is never logged, and only its file name appears in
 * errors. Thread-safe: each thread has its own {@link Mac}.
 */
final class SpillKey {

    static final String FILE = "spill.key";
    static final int BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Logger LOG = LoggerFactory.getLogger(SpillKey.class);

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[32]);

    private SpillKey(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail now, not on the first spill, if the JDK has no HmacSHA256
    }

    /** @return a key for tests, known to no data directory */
    static SpillKey random() {
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        return new SpillKey(secret);
    }

    /**
     * @return the key of the spill log in {@code dir}, created first if there is none
     * @throws IOException if it cannot be created or read, or is not a key
     */
    static SpillKey loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            warnIfSegmentsNeedAnother(dir, file);
            create(dir, file);
        }
        byte[] secret = Files.readAllBytes(file);
        if (secret.length != BYTES) {
            throw new IOException(file + " is not a spill key (" + secret.length + " bytes, expected " + BYTES
                    + "); restore it, or move it away together with the segment files it authenticates");
        }
        return new SpillKey(secret);
    }

    private static void warnIfSegmentsNeedAnother(Path dir, Path file) throws IOException {
        try (var files = Files.list(dir)) {
            long orphans = files.filter(f -> f.getFileName().toString().endsWith(".v3.log")).count();
            if (orphans > 0) {
                LOG.error("dlq: {} is missing but {} segment(s) in {} were written under a key; a new key is created"
                        + " and their records will read as damage (quarantined, not sent). Restore the key file"
                        + " before starting to drain them", file, orphans, dir);
            }
        }
    }

    private static void create(Path dir, Path file) throws IOException {
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        Path temp = Files.createTempFile(dir, FILE + ".", Segment.TEMP_SUFFIX, ownerOnly(dir));
        try {
            Files.write(temp, secret, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.SYNC);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return; // another process created it first: use that one
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            FileOps.REAL.forceDirectory(dir);
            LOG.info("dlq: created the spill log's key {}", file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(rw)};
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot compute " + ALGORITHM, e);
        }
    }

    /**
     * Writes the first {@code length} bytes of HMAC(key, {@code domain} || bytes[from, from + count)) at
     * {@code out[at]}; {@code domain} keeps the tags of different fields apart.
     */
    void tag(byte domain, byte[] bytes, int from, int count, byte[] extra, int extraFrom, int extraCount,
             byte[] out, int at, int length) {
        Mac mac = macs.get();
        mac.update(domain);
        mac.update(bytes, from, count);
        if (extra != null) {
            mac.update(extra, extraFrom, extraCount);
        }
        byte[] full = scratch.get();
        try {
            mac.doFinal(full, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(full, 0, out, at, length);
    }

    /** @return whether {@code expected[at, at + length)} is the tag {@link #tag} computes, in constant time */
    boolean verify(byte domain, byte[] bytes, int from, int count, byte[] extra, int extraFrom, int extraCount,
                   byte[] expected, int at, int length) {
        byte[] computed = new byte[length];
        tag(domain, bytes, from, count, extra, extraFrom, extraCount, computed, 0, length);
        byte[] stored = new byte[length];
        System.arraycopy(expected, at, stored, 0, length);
        return MessageDigest.isEqual(computed, stored);
    }

    @Override
    public String toString() {
        return "SpillKey[hidden]";
    }
}
