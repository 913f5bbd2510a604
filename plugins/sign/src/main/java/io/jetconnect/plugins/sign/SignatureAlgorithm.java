package io.jetconnect.plugins.sign;

import java.util.Optional;

/** The signature algorithms, by the name that {@code algorithm} and the {@code sigalg} attribute use. */
enum SignatureAlgorithm {
    HMAC_SHA256("hmac-sha256", 32),
    ED25519("ed25519", 64);

    private final String id;
    private final int signatureLength;

    SignatureAlgorithm(String id, int signatureLength) {
        this.id = id;
        this.signatureLength = signatureLength;
    }

    /** @return the name written in configuration and in {@code sigalg} */
    String id() {
        return id;
    }

    /** @return the length of a signature in bytes */
    int signatureLength() {
        return signatureLength;
    }

    static Optional<SignatureAlgorithm> byId(String id) {
        for (SignatureAlgorithm algorithm : values()) {
            if (algorithm.id.equals(id)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
