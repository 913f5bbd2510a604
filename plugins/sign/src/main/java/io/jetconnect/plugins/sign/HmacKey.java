package io.jetconnect.plugins.sign;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key. Each call clones a {@link Mac} initialised once at load: measured as fast as a per-thread
 * {@code Mac} (see {@code SignBenchmark}), without leaving key material in the thread-locals of pooled threads.
 */
final class HmacKey extends SignatureKey {

    static final int MIN_LENGTH = 32;
    private static final String JCA_NAME = "HmacSHA256";

    private final Mac prototype;

    HmacKey(String id, byte[] secret) {
        super(id);
        if (secret.length < MIN_LENGTH) {
            throw new IllegalArgumentException("an HMAC key needs at least " + MIN_LENGTH + " bytes");
        }
        try {
            prototype = Mac.getInstance(JCA_NAME);
            prototype.init(new SecretKeySpec(secret, JCA_NAME));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    // The prototype is never used itself, only cloned, so concurrent clones only read it.
    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's HmacSHA256 cannot be cloned", e);
        }
    }

    @Override
    SignatureAlgorithm algorithm() {
        return SignatureAlgorithm.HMAC_SHA256;
    }

    @Override
    boolean canSign() {
        return true;
    }

    @Override
    boolean secret() {
        return true;
    }

    @Override
    byte[] sign(byte[] message) {
        return mac().doFinal(message);
    }

    /** Feeds the two pieces to the MAC in turn: the data is not copied. */
    @Override
    byte[] sign(CanonicalForm.Parts canonical) {
        Mac mac = mac();
        mac.update(canonical.head());
        return mac.doFinal(canonical.data());
    }

    @Override
    boolean verify(byte[] message, byte[] signature) {
        return MessageDigest.isEqual(sign(message), signature);
    }

    @Override
    String kind() {
        return "secret";
    }
}
