package io.jetconnect.plugins.redact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a redacted value or span becomes: the fixed replacement text, or {@code hmac-sha256:} followed by the 64
 * lower-case hex digits of HMAC-SHA256(key, value) so that equal secrets stay correlatable without being
 * readable.
 *
 * <p>It also recognises its own output ({@link #markerEnd}), so that redacting an already redacted event changes
 * nothing: the event is passed on as it is and nothing is counted.
 *
 * <p>Thread-safe: every hash runs on a clone of a {@link Mac} initialised once. The key appears in no message
 * and no {@code toString}.
 */
final class Mask {

    static final String HASH_PREFIX = "hmac-sha256:";
    private static final int HASH_HEX_LENGTH = 64;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final String replacement;
    private final SecretKeySpec key;
    private final Mac prototype;

    private Mask(String replacement, SecretKeySpec key, Mac prototype) {
        this.replacement = replacement;
        this.key = key;
        this.prototype = prototype;
    }

    /** @return a mask that replaces every secret with {@code replacement} */
    static Mask fixed(String replacement) {
        return new Mask(replacement, null, null);
    }

    /** @return a mask that replaces every secret with its HMAC-SHA256 under {@code key} */
    static Mask hmac(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, ALGORITHM);
        return new Mask(null, spec, newMac(spec));
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java runtime has HmacSHA256 and accepts any non-empty key.
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    boolean hashing() {
        return prototype != null;
    }

    /** @return what {@code secret} becomes */
    String apply(String secret) {
        return apply(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** @return what a secret of these bytes becomes */
    String apply(byte[] secret) {
        if (prototype == null) {
            return replacement;
        }
        return HASH_PREFIX + HEX.formatHex(mac().doFinal(secret));
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // A provider whose Mac cannot be cloned: a fresh instance, slower but as correct.
            return newMac(key);
        }
    }

    /** @return whether the whole of {@code value} is output of this mask */
    boolean isMasked(String value) {
        return markerEnd(value, 0) == value.length();
    }

    /**
     * @return the end of this mask's output starting at {@code start} in {@code s}, or -1 if none starts there
     */
    int markerEnd(CharSequence s, int start) {
        if (prototype == null) {
            return !replacement.isEmpty() && startsWith(s, start, replacement) ? start + replacement.length() : -1;
        }
        int end = start + HASH_PREFIX.length() + HASH_HEX_LENGTH;
        if (end > s.length() || !startsWith(s, start, HASH_PREFIX)) {
            return -1;
        }
        for (int i = start + HASH_PREFIX.length(); i < end; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return -1;
            }
        }
        return end;
    }

    private static boolean startsWith(CharSequence s, int start, String prefix) {
        if (start + prefix.length() > s.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(start + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return prototype == null ? "replacement" : "hmac-sha256";
    }
}
