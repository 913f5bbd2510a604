package io.jetconnect.runtime.nats;

import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens the runtime's own NATS connections (cursor store, CLI verbs) from {@code jetconnect.nats}: TLS with a
 * private CA, a credentials file, endless reconnects. Error messages carry the redacted URL only.
 */
public final class NatsConnector {

    private NatsConnector() {
    }

    /** @return jnats options for these settings */
    public static Options options(NatsSettings settings) {
        Options.Builder builder = Options.builder()
                .server(settings.url())
                .connectionName(settings.connectionName())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .errorListener(new io.nats.client.ErrorListener() { });
        settings.credentialsFile().ifPresent(f -> builder.authHandler(Nats.credentials(f.toString())));
        settings.caFile().ifPresent(ca -> builder.sslContext(sslContext(ca)));
        return builder.build();
    }

    /**
     * Connects, trying once.
     *
     * @throws RetriableException when the server cannot be reached now
     */
    public static Connection connect(NatsSettings settings) {
        try {
            return Nats.connect(options(settings));
        } catch (IOException e) {
            throw new RetriableException("cannot connect to NATS at " + settings.redactedUrl() + ": "
                    + NatsSettings.redact(e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while connecting to NATS at " + settings.redactedUrl());
        }
    }

    /** @return an SSL context trusting only the CA certificates of a PEM file */
    public static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new io.jetconnect.spi.ConfigurationException("jetconnect.nats.ca-file: cannot read CA certificates "
                    + "from " + caFile + ": " + e.getMessage(), e);
        }
    }
}
