package io.jetconnect.runtime.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.jetconnect.runtime.config.ConfigErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The listener's transport settings from {@code jetconnect.http} and {@code jetconnect.admin}: abuse limits, TLS
 * and the optional admin listener. Read (and so validated, with {@code FILE:LINE} errors) when {@code pipeline.conf}
 * loads, and again by the runtime when it starts the listener.
 *
 * @param headerTimeout how long a connection may take to send a whole request head
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param requestTimeout how long an ingest request's body may take to arrive (408 after)
 * @param maxConnections connections open at once, per listener
 * @param maxHeaderSize largest request head, in bytes
 * @param tls TLS, when configured
 * @param admin the admin listener's address, when there is one
 */
public record HttpSettings(Duration headerTimeout, Duration idleTimeout, Duration requestTimeout, int maxConnections,
                           int maxHeaderSize, Optional<Tls> tls, Optional<Address> admin) {

    /** Client certificates: not asked, asked and verified when sent, or required. */
    public enum ClientAuth { NONE, REQUEST, REQUIRE }

    /**
     * PEM files of the listener's TLS.
     *
     * @param certFile the certificate chain, leaf first
     * @param keyFile its private key
     * @param caFile the CAs client certificates must chain to, if any
     * @param clientAuth whether client certificates are asked for
     */
    public record Tls(Path certFile, Path keyFile, Optional<Path> caFile, ClientAuth clientAuth) {
    }

    /** A host and port to bind. */
    public record Address(String host, int port) {
    }

    /** The defaults, without TLS or an admin listener (tests). */
    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(10), 1024, 8192,
                Optional.empty(), Optional.empty());
    }

    /** @return a copy with another TLS setting */
    public HttpSettings withTls(Optional<Tls> other) {
        return new HttpSettings(headerTimeout, idleTimeout, requestTimeout, maxConnections, maxHeaderSize, other,
                admin);
    }

    /** @return a copy with another admin listener */
    public HttpSettings withAdmin(Optional<Address> other) {
        return new HttpSettings(headerTimeout, idleTimeout, requestTimeout, maxConnections, maxHeaderSize, tls,
                other);
    }

    /** @return a copy with other limits */
    public HttpSettings withLimits(Duration header, Duration idle, Duration request, int connections) {
        return new HttpSettings(header, idle, request, connections, maxHeaderSize, tls, admin);
    }

    /**
     * @param c the {@code jetconnect} block, over the runtime's reference.conf
     * @return the settings
     * @throws io.jetconnect.spi.ConfigurationException naming the key, file and line of a bad value
     */
    public static HttpSettings read(Config c) {
        try {
            Duration header = positive(c, "http.header-timeout");
            Duration idle = positive(c, "http.idle-timeout");
            Duration request = positive(c, "http.request-timeout");
            int connections = c.getInt("http.max-connections");
            if (connections < 1) {
                throw ConfigErrors.invalid(c.getValue("http.max-connections").origin(), "jetconnect.http.max-connections",
                        "must be at least 1");
            }
            long headSize = c.getBytes("http.max-header-size");
            if (headSize < 1024 || headSize > 1024 * 1024) {
                throw ConfigErrors.invalid(c.getValue("http.max-header-size").origin(),
                        "jetconnect.http.max-header-size", "must be between 1KiB and 1MiB");
            }
            return new HttpSettings(header, idle, request, connections, (int) headSize, tls(c), admin(c));
        } catch (ConfigException e) {
            throw ConfigErrors.translate(e, "jetconnect");
        }
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw ConfigErrors.invalid(c.getValue(key).origin(), "jetconnect." + key, "must be longer than 0");
        }
        return d;
    }

    private static Optional<Tls> tls(Config c) {
        Optional<Path> cert = path(c, "http.tls.cert-file");
        Optional<Path> key = path(c, "http.tls.key-file");
        Optional<Path> ca = path(c, "http.tls.ca-file");
        String authText = c.getString("http.tls.client-auth").trim().toLowerCase(Locale.ROOT);
        ClientAuth auth;
        switch (authText) {
            case "none" -> auth = ClientAuth.NONE;
            case "request" -> auth = ClientAuth.REQUEST;
            case "require" -> auth = ClientAuth.REQUIRE;
            default -> throw ConfigErrors.invalid(c.getValue("http.tls.client-auth").origin(),
                    "jetconnect.http.tls.client-auth", "must be none, request or require");
        }
        if (cert.isEmpty()) {
            if (key.isPresent() || ca.isPresent() || auth != ClientAuth.NONE) {
                throw ConfigErrors.invalid(c.getValue("http.tls").origin(), "jetconnect.http.tls.cert-file",
                        "TLS needs cert-file (with key-file) when key-file, ca-file or client-auth is set");
            }
            return Optional.empty();
        }
        if (key.isEmpty()) {
            throw ConfigErrors.invalid(c.getValue("http.tls.cert-file").origin(), "jetconnect.http.tls.key-file",
                    "cert-file is set: set key-file to its private key");
        }
        if (auth != ClientAuth.NONE && ca.isEmpty()) {
            throw ConfigErrors.invalid(c.getValue("http.tls.client-auth").origin(), "jetconnect.http.tls.ca-file",
                    "client-auth = " + authText + " needs ca-file, the CA client certificates must chain to");
        }
        return Optional.of(new Tls(cert.get(), key.get(), ca, auth));
    }

    private static Optional<Address> admin(Config c) {
        if (!c.hasPath("admin.port")) {
            return Optional.empty();
        }
        int port = c.getInt("admin.port");
        if (port < 0 || port > 65535) {
            throw ConfigErrors.invalid(c.getValue("admin.port").origin(), "jetconnect.admin.port",
                    "must be between 0 and 65535");
        }
        return Optional.of(new Address(c.getString("admin.host"), port));
    }

    private static Optional<Path> path(Config c, String key) {
        if (!c.hasPath(key) || c.getString(key).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(c.getString(key)).toAbsolutePath().normalize());
    }
}
