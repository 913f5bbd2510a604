package io.jetconnect.plugins.replay;

import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens NATS connections as {@code jetconnect.nats} describes them: every URL of the list, a private CA from a PEM
 * file, a {@code .creds} file, and reconnects without end. Connection events go to the log with the redacted URL;
 * the client's own error reports go to the log instead of standard error.
 */
final class NatsConnector {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnector.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

    private NatsConnector() {
    }

    /**
     * Connects once (the caller retries); the connection then reconnects by itself for ever.
     *
     * @param nats the settings
     * @param name the connection name shown by the server's monitoring
     * @return the connection
     * @throws IOException if the server cannot be reached now; its message is safe to log
     * @throws JetconnectException if the CA or credentials file cannot be used
     */
    static Connection connect(NatsSettings nats, String name) throws IOException, InterruptedException {
        Options options = options(nats, name);
        Connection connection;
        try {
            connection = Nats.connect(options);
        } catch (IOException e) {
            throw new IOException("cannot connect to NATS at " + nats.redactedUrl() + ": " + redact(nats, e));
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to NATS at " + nats.redactedUrl() + ": " + redact(nats, e));
        }
        // Without JetStream every read would time out with no word of why: say it, and retry like any outage.
        java.util.Optional<String> disabled = io.jetconnect.nats.JetStreamAvailability.disabled(connection,
                nats.redactedUrl());
        if (disabled.isPresent()) {
            connection.close();
            throw new IOException(disabled.get());
        }
        return connection;
    }

    static Options options(NatsSettings nats, String name) {
        String[] servers = Arrays.stream(nats.url().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        Options.Builder options = new Options.Builder()
                .servers(servers)
                .connectionName(name)
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxReconnects(-1)
                .reconnectWait(RECONNECT_WAIT)
                .connectionListener(new ConnectionLog(nats))
                .errorListener(new Errors(nats));
        nats.credentialsFile().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        nats.caFile().ifPresent(file -> options.sslContext(trusting(file)));
        return options.build();
    }

    /** @return a TLS context that trusts the certificates of a PEM file */
    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new JetconnectException("cannot use the CA file " + caFile + ": " + e.getClass().getSimpleName());
        }
    }

    /** @return the exception's message with the settings' URLs, and any userinfo, redacted */
    static String redact(NatsSettings nats, Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String url : nats.url().split(",")) {
            String trimmed = url.trim();
            if (!trimmed.isEmpty()) {
                message = message.replace(trimmed, NatsSettings.redact(trimmed));
            }
        }
        return message.replaceAll("//[^/@\\s]+@", "//***@");
    }

    private static void mdc(String pipeline) {
        if (pipeline != null) {
            org.slf4j.MDC.put("pipeline", pipeline);
        }
    }

    /** Logs connection changes; never the URL as given. */
    private static final class ConnectionLog implements ConnectionListener {

        private final NatsSettings nats;
        // jnats calls listeners on its own threads: they log with the MDC of the thread that connected.
        private final String pipeline = org.slf4j.MDC.get("pipeline");

        ConnectionLog(NatsSettings nats) {
            this.nats = nats;
        }

        @Override
        @SuppressWarnings("deprecation")
        public void connectionEvent(Connection conn, Events type) {
            mdc(pipeline);
            switch (type) {
                case DISCONNECTED -> LOG.warn("lost the connection to NATS at {}; reconnecting", nats.redactedUrl());
                case RECONNECTED -> LOG.info("reconnected to NATS at {}", nats.redactedUrl());
                default -> LOG.debug("NATS connection event: {}", type);
            }
        }
    }

    /** The client's asynchronous error reports, at levels that keep expected ones out of sight. */
    private static final class Errors implements ErrorListener {

        private final NatsSettings nats;
        private final String pipeline = org.slf4j.MDC.get("pipeline");

        Errors(NatsSettings nats) {
            this.nats = nats;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            mdc(pipeline);
            LOG.warn("NATS server reported: {}", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            mdc(pipeline);
            LOG.debug("NATS client: {}", redact(nats, exp));
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            mdc(pipeline);
            LOG.warn("NATS client: slow consumer, messages dropped");
        }

        @Override
        public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence,
                                   long lastConsumerSequence) {
            LOG.debug("NATS client: heartbeats missed after stream sequence {}", lastStreamSequence);
        }

        @Override
        public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
            LOG.debug("NATS client: pull status {} {}", status.getCode(), status.getMessage());
        }
    }
}
