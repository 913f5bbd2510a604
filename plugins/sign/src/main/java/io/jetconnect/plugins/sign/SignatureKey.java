package io.jetconnect.plugins.sign;

/**
 * A key that signs or verifies the canonical bytes of events. Its material never leaves the object:
 * {@link #toString()} names only the key id, the algorithm and the kind of key.
 *
 * <p>Immutable and thread-safe.
 */
abstract sealed class SignatureKey permits HmacKey, Ed25519Key {

    private final String id;

    SignatureKey(String id) {
        this.id = id;
    }

    /** @return the key id recorded in {@code sigkeyid} */
    final String id() {
        return id;
    }

    abstract SignatureAlgorithm algorithm();

    /** @return whether this key can sign (an HMAC key or an Ed25519 private key) */
    abstract boolean canSign();

    /** @return whether the key's file must be kept private (everything but an Ed25519 public key) */
    abstract boolean secret();

    /**
     * @param message the canonical bytes
     * @return the signature
     * @throws IllegalStateException if this key cannot sign
     */
    abstract byte[] sign(byte[] message);

    /**
     * @return the same signature as {@link #sign(byte[])} of the joined canonical bytes
     * @throws IllegalStateException if this key cannot sign
     */
    byte[] sign(CanonicalForm.Parts canonical) {
        return sign(canonical.joined());
    }

    /** @return whether {@code signature} is this key's signature of {@code message}; in constant time for HMAC */
    abstract boolean verify(byte[] message, byte[] signature);

    /** @return {@code "secret"}, {@code "private"} or {@code "public"} */
    abstract String kind();

    @Override
    public final String toString() {
        return "SignatureKey[id=" + id + ", algorithm=" + algorithm().id() + ", " + kind() + "]";
    }
}
