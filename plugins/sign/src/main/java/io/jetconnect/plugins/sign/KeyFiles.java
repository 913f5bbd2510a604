package io.jetconnect.plugins.sign;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads key files, in the formats of docs/signing.md:
 * <ul>
 *   <li>a PEM {@code PRIVATE KEY} block (PKCS#8, RFC 8410) holding an Ed25519 private key;</li>
 *   <li>a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo) holding an Ed25519 public key;</li>
 *   <li>anything else is an HMAC key: the base64 text it holds, if it is nothing but standard base64 between
 *       optional whitespace, else its exact bytes. At least 32 bytes.</li>
 * </ul>
 * Failures carry a reason that never quotes the file's content.
 */
final class KeyFiles {

    static final int MAX_SIZE = 64 * 1024;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFiles() {
    }

    /** @return whether {@code id} can be a key id: a letter or digit, then up to 63 of {@code A-Za-z0-9._-} */
    static boolean validKeyId(String id) {
        return KEY_ID.matcher(id).matches();
    }

    /** @return the key id a file stands for: its base name up to the first dot ({@code k1.pub.pem} is {@code k1}) */
    static String defaultKeyId(Path file) {
        Path name = file.getFileName();
        String base = name == null ? "" : name.toString();
        int dot = base.indexOf('.');
        return dot < 0 ? base : base.substring(0, dot);
    }

    /**
     * Loads a key.
     *
     * @param file the key file
     * @param id the key id to give it
     * @param expected the algorithm the key must be for, or null to accept either
     * @return the key
     * @throws KeyFileException if the file cannot be read or holds no usable key
     */
    static SignatureKey read(Path file, String id, SignatureAlgorithm expected) throws KeyFileException {
        byte[] content = readBounded(file);
        if (looksLikePem(content)) {
            if (expected == SignatureAlgorithm.HMAC_SHA256) {
                throw new KeyFileException("holds a PEM key, but hmac-sha256 needs a secret of raw or base64 bytes");
            }
            return readPem(new String(content, StandardCharsets.US_ASCII), id);
        }
        if (expected == SignatureAlgorithm.ED25519) {
            throw new KeyFileException("is not PEM: ed25519 needs a PKCS#8 PEM private key (or, to verify, an "
                    + "X.509 PEM public key)");
        }
        byte[] secret = hmacSecret(content);
        if (secret.length < HmacKey.MIN_LENGTH) {
            throw new KeyFileException("holds an HMAC key of " + secret.length + " bytes ("
                    + (secret.length == content.length ? "raw" : "decoded from base64")
                    + "); hmac-sha256 needs at least " + HmacKey.MIN_LENGTH);
        }
        try {
            return new HmacKey(id, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * @return a warning when a file is readable or writable by group or others, on file systems with POSIX
     *     permissions; empty otherwise
     */
    static Optional<String> permissionWarning(Path file) {
        try {
            if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
                return Optional.empty();
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> loose = EnumSet.copyOf(GROUP_OR_OTHERS);
            loose.retainAll(permissions);
            if (loose.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("key file " + file + " is accessible by group or others ("
                    + PosixFilePermissions.toString(permissions) + "); restrict it with chmod 600");
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static byte[] readBounded(Path file) throws KeyFileException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new KeyFileException(Files.exists(file) ? "is not a regular file" : "does not exist");
            }
            if (Files.size(file) > MAX_SIZE) {
                throw new KeyFileException("is larger than " + MAX_SIZE / 1024 + " KiB, too large for a key");
            }
            byte[] content = Files.readAllBytes(file);
            if (content.length == 0) {
                throw new KeyFileException("is empty");
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new KeyFileException("does not exist");
        } catch (AccessDeniedException e) {
            throw new KeyFileException("cannot be read: permission denied");
        } catch (IOException e) {
            // The message of an IOException names the path at most, but its class is all the caller needs.
            throw new KeyFileException("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean looksLikePem(byte[] content) {
        int i = 0;
        while (i < content.length && isWhitespace(content[i])) {
            i++;
        }
        byte[] marker = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
        if (content.length - i < marker.length) {
            return false;
        }
        for (int j = 0; j < marker.length; j++) {
            if (content[i + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static byte[] hmacSecret(byte[] content) {
        int start = 0;
        int end = content.length;
        while (start < end && isWhitespace(content[start])) {
            start++;
        }
        while (end > start && isWhitespace(content[end - 1])) {
            end--;
        }
        if (end > start) {
            String text = new String(content, start, end - start, StandardCharsets.ISO_8859_1);
            if (isBase64(text)) {
                return Base64.getDecoder().decode(text);
            }
        }
        return content.clone();
    }

    /** @return whether {@code text} is standard base64 with padding (RFC 4648 section 4) */
    static boolean isBase64(String text) {
        int length = text.length();
        if (length == 0 || length % 4 != 0) {
            return false;
        }
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        for (int i = 0; i < length - padding; i++) {
            char c = text.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!alphabet) {
                return false;
            }
        }
        return true;
    }

    private static SignatureKey readPem(String text, String id) throws KeyFileException {
        PemObject pem;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            pem = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("is not valid PEM");
        }
        if (pem == null) {
            throw new KeyFileException("is not valid PEM");
        }
        switch (pem.getType()) {
            case "PRIVATE KEY":
                return readPrivateKey(pem.getContent(), id);
            case "PUBLIC KEY":
                return readPublicKey(pem.getContent(), id);
            case "ENCRYPTED PRIVATE KEY":
                throw new KeyFileException("holds an encrypted private key; store it unencrypted "
                        + "(openssl pkey -in FILE -out PLAIN.pem) with permissions 600");
            default:
                throw new KeyFileException("holds a PEM block of type '" + sanitize(pem.getType())
                        + "'; expected PRIVATE KEY (PKCS#8) or PUBLIC KEY (X.509)");
        }
    }

    private static SignatureKey readPrivateKey(byte[] der, String id) throws KeyFileException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFileException("holds a malformed PKCS#8 private key");
        }
        requireEd25519(info.getPrivateKeyAlgorithm().getAlgorithm(), "private");
        try {
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
            byte[] seed = ((Ed25519PrivateKeyParameters) key).getEncoded();
            try {
                return Ed25519Key.ofPrivate(id, seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("holds a malformed Ed25519 private key");
        }
    }

    private static SignatureKey readPublicKey(byte[] der, String id) throws KeyFileException {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyFileException("holds a malformed X.509 public key");
        }
        requireEd25519(info.getAlgorithm().getAlgorithm(), "public");
        try {
            return Ed25519Key.ofPublic(id, info.getPublicKeyData().getOctets());
        } catch (RuntimeException e) {
            throw new KeyFileException("holds an invalid Ed25519 public key");
        }
    }

    private static void requireEd25519(ASN1ObjectIdentifier algorithm, String kind) throws KeyFileException {
        if (!EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            throw new KeyFileException("holds a " + kind + " key of algorithm " + algorithm.getId()
                    + ", not Ed25519 (1.3.101.112)");
        }
    }

    private static String sanitize(String label) {
        return label.replaceAll("[^A-Z0-9 ]", "?");
    }
}
