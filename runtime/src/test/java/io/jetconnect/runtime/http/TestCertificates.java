package io.jetconnect.runtime.http;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates a TLS test makes for itself: a CA, and leaf certificates it signs, written as PEM files. Public for
 * the distribution's end-to-end tests (runtime's test-jar).
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key and its certificate, signed by {@code issuer} (itself for a CA). */
    public record Issued(KeyPair keys, X509Certificate certificate) {

        /** Writes {@code name.crt} and {@code name.key} (PKCS#8) into {@code dir}. */
        public Issued write(Path dir, String name) throws IOException {
            Files.writeString(dir.resolve(name + ".crt"), pem(certificate));
            Files.writeString(dir.resolve(name + ".key"), pem(new org.bouncycastle.openssl.jcajce
                    .JcaPKCS8Generator(keys.getPrivate(), null).generate()));
            return this;
        }
    }

    private TestCertificates() {
    }

    public static Issued ca(String cn) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + cn);
        JcaX509v3CertificateBuilder builder = builder(name, name, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys, sign(builder, keys));
    }

    /** A server certificate for 127.0.0.1 and localhost. */
    public static Issued server(Issued ca, String cn) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder builder = builder(new X500Name(ca.certificate().getSubjectX500Principal()
                .getName()), new X500Name("CN=" + cn), keys);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName,
                "localhost")}));
        return new Issued(keys, sign(builder, ca.keys()));
    }

    /** A client certificate. */
    public static Issued client(Issued ca, String cn) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder builder = builder(new X500Name(ca.certificate().getSubjectX500Principal()
                .getName()), new X500Name("CN=" + cn), keys);
        return new Issued(keys, sign(builder, ca.keys()));
    }

    /** An HTTP client that trusts {@code ca} and presents {@code identity} when not null. */
    public static HttpClient httpClient(Issued ca, Issued identity) throws Exception {
        return HttpClient.newBuilder().sslContext(context(ca, identity)).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public static SSLContext context(Issued ca, Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", identity.keys().getPrivate(), "pw".toCharArray(),
                    new java.security.cert.Certificate[] {identity.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "pw".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, java.security.PrivateKey key)
            throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair keys) throws Exception {
        return sign(builder, keys.getPrivate());
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
