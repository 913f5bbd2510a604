package io.jetconnect.nats;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.NatsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of {@code jetconnect.nats}: the CA file's certificates (or the JVM's), the client certificate
 * and key, and the server's host name checked against its certificate.
 *
 * <p>jnats opens its TLS socket with {@code createSocket(socket, host, port, true)} and sets no endpoint
 * identification, so the JDK checks the chain but never the name: any certificate from a trusted CA would do for
 * any host. The context returned here hands out sockets with the {@code HTTPS} identification algorithm (RFC 2818:
 * DNS and IP subject alternative names), which makes the JDK's own trust manager refuse a certificate for another
 * host.
 */
final class TlsContexts {

    private TlsContexts() {
    }

    /** @return whether these settings call for TLS even on a {@code nats://} URL */
    static boolean wanted(NatsSettings nats) {
        if (nats.caFile().isPresent() || nats.certFile().isPresent()) {
            return true;
        }
        for (String url : nats.url().split(",")) {
            String u = url.trim().toLowerCase(java.util.Locale.ROOT);
            if (u.startsWith("tls://") || u.startsWith("wss://")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @throws ConfigurationException naming the key whose file cannot be used; never a file's content
     */
    static SSLContext of(NatsSettings nats) {
        if (nats.certFile().isPresent() != nats.keyFile().isPresent()) {
            throw new ConfigurationException("jetconnect.nats: cert-file and key-file go together (the client "
                    + "certificate and its private key); set both or neither");
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(nats.caFile().map(TlsContexts::trustStore).orElse(null));
            KeyManager[] keys = null;
            if (nats.certFile().isPresent()) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(nats.certFile().get(), nats.keyFile().get()), new char[0]);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return nats.tlsVerifyHostname() ? new HostnameVerifying(context) : context;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("jetconnect.nats: cannot set up TLS: " + e.getClass().getSimpleName(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) {
        Collection<? extends Certificate> certificates = certificates(caFile, "ca-file");
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("jetconnect.nats.ca-file: cannot use " + caFile + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path file, String key) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigurationException("jetconnect.nats." + key + ": " + file
                        + " holds no PEM certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new ConfigurationException("jetconnect.nats." + key + ": cannot read " + file + ": "
                    + e.getClass().getSimpleName(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("jetconnect.nats." + key + ": " + file
                    + " is not a PEM certificate file", e);
        }
    }

    private static KeyStore keyStore(Path certFile, Path keyFile) throws GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>(certificates(certFile, "cert-file"));
        PrivateKey key = privateKey(keyFile);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
        return store;
    }

    /**
     * Reads an unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), as OpenSSL 3, mkcert and cert-manager write
     * them. The error never quotes the file: it holds a secret.
     */
    static PrivateKey privateKey(Path keyFile) {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("jetconnect.nats.key-file: cannot read " + keyFile + ": "
                    + e.getClass().getSimpleName());
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String hint = pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")
                    ? " (it is in the older SEC1/PKCS#1 form: convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8')"
                    : pem.contains("ENCRYPTED") ? " (encrypted keys are not supported)" : "";
            throw new ConfigurationException("jetconnect.nats.key-file: " + keyFile
                    + " holds no unencrypted PKCS#8 PEM key ('BEGIN PRIVATE KEY')" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("jetconnect.nats.key-file: " + keyFile + " is not valid PEM");
        }
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        throw new ConfigurationException("jetconnect.nats.key-file: " + keyFile
                + " holds a key of an algorithm this JVM cannot read (EC, RSA and EdDSA are supported)");
    }

    /** A context whose client sockets and engines check the server's host name (see the class comment). */
    static final class HostnameVerifying extends SSLContext {

        HostnameVerifying(SSLContext delegate) {
            super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {

        private final SSLContext delegate;

        Spi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, java.security.SecureRandom sr) {
            throw new UnsupportedOperationException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new VerifyingSocketFactory(delegate.getSocketFactory());
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return verifying(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return verifying(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        private static SSLEngine verifying(SSLEngine engine) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
            return engine;
        }
    }

    private static final class VerifyingSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory delegate;

        VerifyingSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket verifying(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return verifying(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return verifying(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return verifying(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return verifying(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return verifying(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return verifying(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
