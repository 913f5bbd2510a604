package io.jetconnect.nats;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A private CA and the certificates it signs, made with BouncyCastle and written as PEM files for a test. */
final class TestCertificates {

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private long serial = 1;

    TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        this.caKeys = ecKeys();
        X500Name name = new X500Name("CN=jetconnect test CA");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.ca = sign(builder);
        write("ca.pem", ca);
    }

    /** @return the CA certificate's PEM file */
    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /**
     * Issues a certificate and writes {@code NAME.pem} and {@code NAME.key} (PKCS#8).
     *
     * @param sans subject alternative names: an IP address or a DNS name each
     * @return the certificate's file; the key is beside it
     */
    Path issue(String name, boolean client, String... sans) throws Exception {
        KeyPair keys = ecKeys();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(serial++),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                new X500Name("CN=" + name), keys.getPublic());
        GeneralName[] names = new GeneralName[sans.length];
        for (int i = 0; i < sans.length; i++) {
            names[i] = new GeneralName(sans[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                    sans[i]);
        }
        if (names.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
        Path cert = write(name + ".pem", sign(builder));
        Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        return cert;
    }

    static Path keyOf(Path cert) {
        return cert.resolveSibling(cert.getFileName().toString().replace(".pem", ".key"));
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder builder) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private Path write(String file, X509Certificate certificate) throws Exception {
        return Files.writeString(dir.resolve(file), pem("CERTIFICATE", certificate.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
