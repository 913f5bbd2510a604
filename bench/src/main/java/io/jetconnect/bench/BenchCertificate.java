package io.jetconnect.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate for the {@code http-tls} case, made with the JDK's own {@code keytool} (the runtime
 * carries no certificate library): an EC P-256 key for 127.0.0.1, written as the PEM files the listener reads.
 *
 * @param certFile the certificate, PEM
 * @param keyFile its key, PKCS#8 PEM
 * @param certificate the certificate, for the clients' trust
 */
record BenchCertificate(Path certFile, Path keyFile, X509Certificate certificate) {

    private static final char[] PASSWORD = "bench-only".toCharArray();

    static BenchCertificate make(Path dir) throws IOException, InterruptedException {
        Path store = dir.resolve("bench-tls.p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bench", "-keyalg", "EC",
                "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool could not make the bench's certificate: " + output.trim());
        }
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD);
            }
            PrivateKey key = (PrivateKey) keys.getKey("bench", PASSWORD);
            X509Certificate cert = (X509Certificate) keys.getCertificate("bench");
            Path certFile = Files.writeString(dir.resolve("bench-tls.crt"), pem("CERTIFICATE", cert.getEncoded()));
            Path keyFile = Files.writeString(dir.resolve("bench-tls.key"), pem("PRIVATE KEY", key.getEncoded()));
            return new BenchCertificate(certFile, keyFile, cert);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the bench's certificate: " + e.getMessage(), e);
        }
    }

    /** @return a client context that trusts this certificate alone */
    SSLContext clientContext() throws java.security.GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("bench", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
