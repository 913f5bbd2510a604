package io.jetconnect.plugins.sign;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair, or a public key alone. Signs with BouncyCastle's RFC 8032 implementation, which is
 * stateless and an order of magnitude faster than the JDK's {@code Signature("Ed25519")} (see
 * {@code SignBenchmark} and docs/signing.md).
 */
final class Ed25519Key extends SignatureKey {

    static final int KEY_LENGTH = Ed25519.SECRET_KEY_SIZE;

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final Ed25519.PublicPoint publicPoint;

    private Ed25519Key(String id, byte[] privateKey, byte[] publicKey) {
        super(id);
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicPoint = Ed25519.validatePublicKeyFullExport(publicKey, 0);
        if (publicPoint == null) {
            throw new IllegalArgumentException("not a valid Ed25519 public key");
        }
    }

    /** @param seed the 32-byte private key of RFC 8032 */
    static Ed25519Key ofPrivate(String id, byte[] seed) {
        if (seed.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 private key has " + KEY_LENGTH + " bytes");
        }
        byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return new Ed25519Key(id, seed.clone(), publicKey);
    }

    /** @param publicKey the 32-byte encoded public key of RFC 8032 */
    static Ed25519Key ofPublic(String id, byte[] publicKey) {
        if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key has " + Ed25519.PUBLIC_KEY_SIZE + " bytes");
        }
        return new Ed25519Key(id, null, publicKey.clone());
    }

    /** @return the encoded public key */
    byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    SignatureAlgorithm algorithm() {
        return SignatureAlgorithm.ED25519;
    }

    @Override
    boolean canSign() {
        return privateKey != null;
    }

    @Override
    boolean secret() {
        return privateKey != null;
    }

    @Override
    byte[] sign(byte[] message) {
        if (privateKey == null) {
            throw new IllegalStateException("key " + id() + " is an Ed25519 public key and cannot sign");
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    @Override
    boolean verify(byte[] message, byte[] signature) {
        return signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(signature, 0, publicPoint, message, 0, message.length);
    }

    @Override
    String kind() {
        return privateKey != null ? "private" : "public";
    }
}
