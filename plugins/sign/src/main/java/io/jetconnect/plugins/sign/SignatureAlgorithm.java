package io.jetconnect.plugins.sign;

/**
 * The signature algorithms, by the name that {@code algorithm} and the {@code sigalg} attribute use; the
 * configuration reads them as {@link io.jetconnect.spi.Setting#choice} names them, which is that name.
 */
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

    @Override
    public String toString() {
        return id;
    }
}
