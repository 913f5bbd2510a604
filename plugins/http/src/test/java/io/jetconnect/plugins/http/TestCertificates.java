package io.jetconnect.plugins.http;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed client certificates made in a test, with the subject and alternative names it asks for. */
final class TestCertificates {

    private TestCertificates() {
    }

    /**
     * @param subject an X.500 name, such as {@code CN=client-a,O=Example}
     * @param dnsNames dNSName alternative names
     * @param emails rfc822Name alternative names
     */
    static X509Certificate client(String subject, List<String> dnsNames, List<String> emails) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            // As RFC 2253 writes it (most specific first), so that the encoding matches what a CA would issue.
            X500Name name = X500Name.getInstance(new javax.security.auth.x500.X500Principal(subject).getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
                    keys.getPublic());
            List<GeneralName> alternatives = new ArrayList<>();
            dnsNames.forEach(d -> alternatives.add(new GeneralName(GeneralName.dNSName, d)));
            emails.forEach(e -> alternatives.add(new GeneralName(GeneralName.rfc822Name, e)));
            if (!alternatives.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternatives.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new AssertionError("cannot make a test certificate", e);
        }
    }

    static X509Certificate client(String subject) {
        return client(subject, List.of(), List.of());
    }
}
