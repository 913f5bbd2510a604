package io.jetconnect.nats;

import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.NatsSettings;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place NATS connections are set up, from {@code jetconnect.nats}: the servers, TLS (a private CA, a
 * client certificate, the server's host name checked by default), one authentication method (user and password,
 * token, NKey seed file, or credentials file), and listeners that log through SLF4J with the redacted URL only.
 *
 * <p>Each user derives its own options from {@link #base()} with {@code new Options.Builder(base)} (or
 * {@link #builder()}) and adds what it needs (reconnect policy, queue sizes, its own listeners), then opens the
 * connection with {@link #connect(Options)}, whose {@link IOException} says in plain words what went wrong
 * (refused credentials, a certificate for another host, no server) without a secret or the URL's userinfo.
 *
 * <p>Files are checked when the factory is made, so a missing key or a malformed seed is a configuration error at
 * startup, not a reconnect loop. The credentials and NKey files are read again on each (re)connect by jnats, so
 * rotating them needs no restart. Thread-safe and immutable.
 *
 * <p>Every connection's timers, connects and listener callbacks run on executors shared by the whole JVM
 * ({@link SharedClientThreads}); a connection keeps threads of its own only for its reader, writer and dispatchers.
 */
public final class NatsConnections {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnections.class);

    private final NatsSettings settings;
    private final Options base;

    private NatsConnections(NatsSettings settings, Options base) {
        this.settings = settings;
        this.base = base;
    }

    /**
     * @param settings how to reach NATS
     * @return the factory
     * @throws ConfigurationException if the settings name more than one authentication method, or a file cannot be
     *     used; the message names the key, never a secret
     */
    public static NatsConnections of(NatsSettings settings) {
        Options.Builder builder = new Options.Builder()
                .servers(servers(settings.url()))
                .connectionName(settings.connectionName())
                // Lines about a connection of the runtime's own name the pipeline that made it, if one did.
                .connectionListener(new ConnectionLog(settings.redactedUrl(), MDC.getCopyOfContextMap()))
                .errorListener(new ErrorLog(settings, MDC.getCopyOfContextMap()))
                .scheduledExecutor(SharedClientThreads.TIMERS)
                .connectExecutor(SharedClientThreads.CONNECTS)
                .callbackExecutor(SharedClientThreads.CALLBACKS);
        authenticate(settings, builder);
        if (TlsContexts.wanted(settings)) {
            builder.sslContext(TlsContexts.of(settings));
            if (settings.tlsVerifyHostname()) {
                // jnats' default resolves a name to addresses and connects to each "by IP", so TLS would compare
                // the certificate with an IP address; Happy Eyeballs keeps the name as the TLS peer host.
                builder.hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs);
            }
        }
        return new NatsConnections(settings, builder.build());
    }

    /** @return the options every connection starts from; derive with {@code new Options.Builder(base())} */
    public Options base() {
        return base;
    }

    /** @return a new builder holding {@link #base()} */
    public Options.Builder builder() {
        return new Options.Builder(base);
    }

    /** @return the settings this factory was made from */
    public NatsSettings settings() {
        return settings;
    }

    /** @return the server URL(s) without userinfo, for messages */
    public String redactedUrl() {
        return settings.redactedUrl();
    }

    /** Connects with the base options, trying each server once. */
    public Connection connect() throws IOException, InterruptedException {
        return connect(base);
    }

    /**
     * Connects, trying each server once (the options decide about reconnecting afterwards).
     *
     * @param options options derived from {@link #base()}
     * @throws IOException if no server accepted the connection; its message says why and is safe to log
     */
    public Connection connect(Options options) throws IOException, InterruptedException {
        // A copy per connection: options own the connection's executors, which closing it shuts down. The copy
        // also captures what went wrong during the attempt, which jnats reports only to the listener.
        AtomicReference<Exception> failure = new AtomicReference<>();
        ErrorListener listener = options.getErrorListener();
        Options attempt = new Options.Builder(options).errorListener(new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                listener.errorOccurred(conn, error);
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                failure.compareAndSet(null, exp);
                listener.exceptionOccurred(conn, exp);
            }

            @Override
            public void slowConsumerDetected(Connection conn, Consumer consumer) {
                listener.slowConsumerDetected(conn, consumer);
            }

            @Override
            public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence,
                                       long lastConsumerSequence) {
                listener.heartbeatAlarm(conn, sub, lastStreamSequence, lastConsumerSequence);
            }

            @Override
            public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
                listener.pullStatusError(conn, sub, status);
            }

            @Override
            public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
                listener.pullStatusWarning(conn, sub, status);
            }

            @Override
            public void socketWriteTimeout(Connection conn) {
                listener.socketWriteTimeout(conn);
            }

            @Override
            public void messageDiscarded(Connection conn, io.nats.client.Message msg) {
                listener.messageDiscarded(conn, msg);
            }

            @Override
            public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
                listener.unhandledStatus(conn, sub, status);
            }

            @Override
            public void flowControlProcessed(Connection conn, JetStreamSubscription sub, String subject,
                                             FlowControlSource source) {
                listener.flowControlProcessed(conn, sub, subject, source);
            }
        }).build();
        try {
            return Nats.connect(attempt);
        } catch (IOException | RuntimeException e) {
            SharedClientThreads.awaitCallbacks(java.time.Duration.ofSeconds(1)); // the listener may not have run yet
            throw new IOException("cannot connect to NATS at " + redactedUrl() + ": " + explain(e, failure.get()));
        }
    }

    /**
     * Takes a share of a connection that every component of this JVM with the same settings and {@code profile}
     * shares ({@link SharedConnections#jvm()}); it is opened on the first {@code connection()} with these options
     * (and this factory's logging listener) and closed when the last share is given back.
     *
     * @param profile names what makes these options differ from other users' (their reconnect policy, timeouts);
     *     equal profiles with equal settings share connections, so the same profile must always mean the same
     *     options. The profile, or its first element if it is a list, names the connections in logs
     * @param options options derived from {@link #base()}
     * @return the lease; close it when done
     */
    public SharedConnections.Lease share(Object profile, Options options) {
        Object group = profile instanceof List<?> parts && !parts.isEmpty() ? parts.get(0) : profile;
        return SharedConnections.jvm().lease(List.of(profile, settings), String.valueOf(group), events -> {
            // The pool runs this with the MDC naming the shared connection: its own lines keep that, not the MDC of
            // the component whose options these are.
            Map<String, String> context = MDC.getCopyOfContextMap();
            ConnectionListener own = options.getConnectionListener() instanceof ConnectionLog
                    ? new ConnectionLog(redactedUrl(), context) : options.getConnectionListener();
            ErrorListener errors = options.getErrorListener() instanceof ErrorLog
                    ? new ErrorLog(settings, context) : options.getErrorListener();
            return connect(new Options.Builder(options).errorListener(errors).connectionListener((connection, event) -> {
                if (own != null) {
                    own.connectionEvent(connection, event);
                }
                events.connectionEvent(connection, event);
            }).build());
        });
    }

    /**
     * Takes a share of a connection {@link #share} opened for the same profile and settings, if one is open now
     * ({@link SharedConnections#leaseOpen}).
     *
     * @return the lease, or empty if no such connection is open
     */
    public java.util.Optional<SharedConnections.Lease> shareOpen(Object profile) {
        return SharedConnections.jvm().leaseOpen(List.of(profile, settings));
    }

    /**
     * @return a message for a NATS failure, with the settings' URLs and secrets and any URL userinfo redacted
     */
    public String describe(Throwable e) {
        return scrub(settings, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** @return the text with the settings' URLs, password and token, and any URL userinfo, redacted */
    public static String scrub(NatsSettings settings, String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (String url : settings.url().split(",")) {
            String trimmed = url.trim();
            if (!trimmed.isEmpty()) {
                out = out.replace(trimmed, NatsSettings.redact(trimmed));
            }
        }
        for (String secret : List.of(settings.password().orElse(""), settings.token().orElse(""))) {
            if (secret.length() >= 3) {
                out = out.replace(secret, "***");
            }
        }
        return out.replaceAll("//[^/@\\s,\\]]+@", "//***@");
    }

    /** Why a connect failed, in words that name the setting to look at. */
    private String explain(Exception thrown, Exception during) {
        if (thrown instanceof AuthenticationException || isAuthError(thrown.getMessage())) {
            return "the server refused the credentials (" + describe(thrown).replaceFirst(
                    "^Authentication error connecting to NATS server: ", "") + "); check " + authKeys();
        }
        Throwable tls = tlsCause(during);
        if (tls != null) {
            String message = describe(tls);
            if (message.contains("No subject alternative") || message.contains("No name matching")) {
                return "the server's TLS certificate does not name the host connected to (" + message
                        + "); connect by a name the certificate holds, or, only if you accept any certificate "
                        + "of the trusted CA for this server, set jetconnect.nats.tls-verify-hostname = false";
            }
            if (untrusted(during)) {
                return "the server's TLS certificate is not trusted (" + message + "); check "
                        + "jetconnect.nats.ca-file";
            }
            return "TLS failed (" + message + "); check jetconnect.nats.ca-file, cert-file and key-file";
        }
        String message = describe(thrown);
        if (message.contains("SSL required by server")) {
            return "the server requires TLS; use a tls:// URL or set jetconnect.nats.ca-file";
        }
        String why = message.replaceFirst("^Unable to connect to NATS servers: .*", "no server could be reached");
        if (during != null && !(during instanceof IOException && message.equals(describe(during)))) {
            why += " (" + describe(during) + ")";
        }
        if (TlsContexts.wanted(settings) && settings.certFile().isEmpty()) {
            // A server that verifies clients ends the session after the handshake, which looks like a timeout.
            why += "; if the server requires a client certificate (tls { verify: true }), set "
                    + "jetconnect.nats.cert-file and key-file";
        }
        return why;
    }

    private static boolean isAuthError(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("authorization violation") || m.contains("authentication");
    }

    private static Throwable tlsCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                // The innermost cause names the reason (a certificate check), the handshake exception only wraps it.
                Throwable inner = t;
                while (inner.getCause() != null && inner.getCause() != inner) {
                    inner = inner.getCause();
                }
                return inner instanceof SSLHandshakeException || inner instanceof CertificateException
                        || inner instanceof SSLException ? inner : t;
            }
        }
        return null;
    }

    /** @return whether the chain holds a certificate path failure (a CA that is not trusted, a bad signature) */
    private static boolean untrusted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.security.cert.CertPathValidatorException
                    || (t.getMessage() != null && t.getMessage().contains("PKIX path"))) {
                return true;
            }
        }
        return false;
    }

    private String authKeys() {
        if (settings.credentialsFile().isPresent()) {
            return "jetconnect.nats.credentials-file";
        }
        if (settings.nkeyFile().isPresent()) {
            return "jetconnect.nats.nkey-file";
        }
        if (settings.token().isPresent()) {
            return "jetconnect.nats.token";
        }
        if (settings.user().isPresent()) {
            return "jetconnect.nats.user and password";
        }
        for (String url : settings.url().split(",")) {
            if (!NatsSettings.redact(url.trim()).equals(url.trim())) {
                return "the user and password (or token) in jetconnect.nats.url";
            }
        }
        return "the credentials of jetconnect.nats (none are set)";
    }

    private static String[] servers(String urls) {
        return Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static void authenticate(NatsSettings s, Options.Builder builder) {
        List<String> methods = new ArrayList<>();
        if (s.user().isPresent() || s.password().isPresent()) {
            methods.add("user/password");
        }
        if (s.token().isPresent()) {
            methods.add("token");
        }
        if (s.nkeyFile().isPresent()) {
            methods.add("nkey-file");
        }
        if (s.credentialsFile().isPresent()) {
            methods.add("credentials-file");
        }
        if (methods.size() > 1) {
            throw new ConfigurationException("jetconnect.nats: set one authentication method, not " + String.join(
                    " and ", methods));
        }
        if (s.user().isPresent() != s.password().isPresent()) {
            throw new ConfigurationException("jetconnect.nats: user and password go together; set both or neither");
        }
        if (s.user().isPresent()) {
            builder.userInfo(s.user().get(), s.password().get());
        }
        s.token().ifPresent(builder::token);
        s.nkeyFile().ifPresent(file -> {
            checkSeed(file, "nkey-file");
            builder.authHandler(Nats.credentials(null, file.toString()));
        });
        s.credentialsFile().ifPresent(file -> {
            checkSeed(file, "credentials-file");
            builder.authHandler(Nats.credentials(file.toString()));
        });
    }

    /** Fails at startup on a file jnats could not sign with; the message never quotes the file. */
    private static void checkSeed(Path file, String key) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("jetconnect.nats." + key + ": cannot read " + file + ": "
                    + e.getClass().getSimpleName());
        }
        String seed = null;
        for (String line : text.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("SU")) {
                seed = trimmed;
                break;
            }
        }
        if (seed == null) {
            throw new ConfigurationException("jetconnect.nats." + key + ": " + file + " holds no NKey user seed "
                    + "(a line starting with SU)");
        }
        if (key.equals("credentials-file") && !text.contains("BEGIN NATS USER JWT")) {
            throw new ConfigurationException("jetconnect.nats.credentials-file: " + file + " holds no user JWT "
                    + "(-----BEGIN NATS USER JWT-----); for a bare NKey seed use nkey-file");
        }
        try {
            NKey.fromSeed(seed.toCharArray());
        } catch (RuntimeException e) {
            throw new ConfigurationException("jetconnect.nats." + key + ": " + file + " holds a malformed NKey seed");
        }
    }

    /** Logs connection changes with the redacted URL. */
    private static final class ConnectionLog implements ConnectionListener {

        private final String redactedUrl;
        /** The MDC it logs with: jnats calls listeners on threads of its own, not the one that made the options. */
        private final Map<String, String> context;
        /** Connections that got as far as CONNECTED: a failed first attempt is not a lost connection. */
        private final java.util.Set<Connection> established = java.util.concurrent.ConcurrentHashMap.newKeySet();

        ConnectionLog(String redactedUrl, Map<String, String> context) {
            this.redactedUrl = redactedUrl;
            this.context = context;
        }

        @Override
        public void connectionEvent(Connection conn, Events type) {
            Map<String, String> before = LogContext.enter(context);
            try {
                log(conn, type);
            } finally {
                LogContext.restore(before);
            }
        }

        @SuppressWarnings("deprecation")
        private void log(Connection conn, Events type) {
            switch (type) {
                case CONNECTED -> {
                    established.add(conn);
                    LOG.debug("NATS connection event: {}", type);
                }
                case DISCONNECTED -> {
                    if (established.contains(conn)) {
                        LOG.warn("lost the connection to NATS at {}; reconnecting", redactedUrl);
                    } else {
                        LOG.debug("NATS connection attempt to {} failed", redactedUrl);
                    }
                }
                case RECONNECTED -> LOG.info("reconnected to NATS at {}", redactedUrl);
                case CLOSED -> {
                    established.remove(conn);
                    LOG.debug("NATS connection event: {}", type);
                }
                default -> LOG.debug("NATS connection event: {}", type);
            }
        }
    }

    /** The client's asynchronous reports, scrubbed, at levels that keep expected ones out of sight. */
    private static final class ErrorLog implements ErrorListener {

        private final NatsSettings settings;
        /** The MDC it logs with, as {@link ConnectionLog}'s. */
        private final Map<String, String> context;

        ErrorLog(NatsSettings settings, Map<String, String> context) {
            this.settings = settings;
            this.context = context;
        }

        private void log(Runnable line) {
            Map<String, String> before = LogContext.enter(context);
            try {
                line.run();
            } finally {
                LogContext.restore(before);
            }
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            log(() -> LOG.warn("NATS server at {} reported: {}", settings.redactedUrl(), scrub(settings, error)));
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            log(() -> LOG.debug("NATS client: {}", scrub(settings, exp.getMessage() == null
                    ? exp.getClass().getSimpleName() : exp.getMessage())));
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            // On a shared connection the line must say whose subscription it was.
            String subject = consumer instanceof io.nats.client.Subscription sub ? " on " + sub.getSubject() : "";
            log(() -> LOG.warn("NATS client: slow consumer{}, messages dropped", subject));
        }

        @Override
        public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence,
                                   long lastConsumerSequence) {
            log(() -> LOG.debug("NATS client: heartbeats missed{} after stream sequence {}", consumer(sub),
                    lastStreamSequence));
        }

        @Override
        public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
            log(() -> LOG.debug("NATS client: pull status {} {}{}", status.getCode(), status.getMessage(),
                    consumer(sub)));
        }

        /** @return " by consumer NAME of stream STREAM", or nothing when the subscription does not say */
        private static String consumer(JetStreamSubscription sub) {
            try {
                String name = sub == null ? null : sub.getConsumerName();
                return name == null ? "" : " by consumer " + name + " of stream " + sub.getStreamName();
            } catch (RuntimeException e) {
                return ""; // a log line's detail: never worth a failure
            }
        }
    }
}
