package io.jetconnect.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach NATS, from {@code jetconnect.nats}: the servers, TLS and one way to authenticate. Immutable; build
 * one with {@link #builder(String)}, change one with {@link #toBuilder()}.
 *
 * <p>The URL may carry credentials in its userinfo, and {@link #password()} and {@link #token()} are secrets: use
 * {@link #redactedUrl()} wherever the URL could reach a log, an error or a metric. {@link #toString()} names which
 * secrets are set, never their values. Plugins do not build jnats options from this themselves: the host's
 * {@code io.jetconnect.nats.NatsConnections} does, so that every component authenticates and verifies TLS the same
 * way.
 *
 * <p>Until 0.1 this was a record; the accessors keep their names, and the record's constructor stays (deprecated)
 * so that plugins compiled against it still build. New settings are added to the builder only.
 */
public final class NatsSettings {

    /**
     * The settings; a record, so that equality and hash cover every one of them. Its text is not used: it would
     * show the secrets.
     */
    private record Values(String url, Optional<Path> caFile, Optional<Path> credentialsFile, String connectionName,
                          Optional<String> user, Optional<String> password, Optional<String> token,
                          Optional<Path> nkeyFile, Optional<Path> certFile, Optional<Path> keyFile,
                          boolean tlsVerifyHostname) {
    }

    private final Values values;

    private NatsSettings(Values values) {
        this.values = values;
    }

    /**
     * The record's constructor, kept for plugins built against it.
     *
     * @deprecated use {@link #builder(String)}
     */
    @Deprecated(since = "0.1")
    public NatsSettings(String url, Optional<Path> caFile, Optional<Path> credentialsFile, String connectionName) {
        this(builder(url).caFile(caFile.orElse(null)).credentialsFile(credentialsFile.orElse(null))
                .connectionName(connectionName).build().values);
    }

    /**
     * @param url the server URL, or several separated by commas
     * @return a builder with the defaults of {@code reference.conf}: no TLS files, no credentials, host name
     *     verification on, connection name {@code jetconnect}
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        return new Builder(values);
    }

    /** @return the server URL, or several separated by commas; may hold userinfo: never log it */
    public String url() { return values.url(); }

    /** @return a PEM file of the CA certificates to trust instead of the JVM's, if any */
    public Optional<Path> caFile() { return values.caFile(); }

    /** @return a NATS {@code .creds} file (user JWT and NKey seed, operator mode), if any */
    public Optional<Path> credentialsFile() { return values.credentialsFile(); }

    /** @return the name the server's monitoring shows for the connections */
    public String connectionName() { return values.connectionName(); }

    /**
     * @return the user name for user/password authentication, if any
     * @since 0.1
     */
    public Optional<String> user() { return values.user(); }

    /**
     * @return the password that goes with {@link #user()}; a secret
     * @since 0.1
     */
    public Optional<String> password() { return values.password(); }

    /**
     * @return the token for token authentication, if any; a secret
     * @since 0.1
     */
    public Optional<String> token() { return values.token(); }

    /**
     * @return a file holding an NKey user seed ({@code SU...}), if any
     * @since 0.1
     */
    public Optional<Path> nkeyFile() { return values.nkeyFile(); }

    /**
     * @return the PEM certificate (chain) to present to the server, if any; goes with {@link #keyFile()}
     * @since 0.1
     */
    public Optional<Path> certFile() { return values.certFile(); }

    /**
     * @return the PEM (PKCS#8) private key of {@link #certFile()}, if any
     * @since 0.1
     */
    public Optional<Path> keyFile() { return values.keyFile(); }

    /**
     * @return whether TLS checks that the server's certificate names the host connected to (default true)
     * @since 0.1
     */
    public boolean tlsVerifyHostname() { return values.tlsVerifyHostname(); }

    /** @return the URL with any userinfo replaced by {@code ***} */
    public String redactedUrl() {
        return redact(url());
    }

    /**
     * Replaces the userinfo of every URL in a comma-separated list with {@code ***}.
     *
     * @param urls one URL or several separated by commas; may be null
     * @return the redacted text; {@code ""} for null
     */
    public static String redact(String urls) {
        if (urls == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String part : urls.split(",", -1)) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(redactOne(part.trim()));
        }
        return out.toString();
    }

    private static String redactOne(String url) {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        int slash = url.indexOf('/', start);
        if (at >= start && (slash < 0 || at < slash)) {
            return url.substring(0, start) + "***@" + url.substring(at + 1);
        }
        try {
            URI.create(url);
        } catch (IllegalArgumentException e) {
            return "<unparseable url>";
        }
        return url;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NatsSettings n && values.equals(n.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "NatsSettings[url=" + redactedUrl() + ", caFile=" + caFile().map(Path::toString).orElse("none")
                + ", credentialsFile=" + setOrNone(credentialsFile())
                + ", user=" + user().orElse("none") + ", password=" + setOrNone(password())
                + ", token=" + setOrNone(token()) + ", nkeyFile=" + setOrNone(nkeyFile())
                + ", certFile=" + certFile().map(Path::toString).orElse("none")
                + ", keyFile=" + setOrNone(keyFile())
                + ", tlsVerifyHostname=" + tlsVerifyHostname() + ", connectionName=" + connectionName() + "]";
    }

    private static String setOrNone(Optional<?> secret) {
        return secret.isPresent() ? "set" : "none";
    }

    /** Builds {@link NatsSettings}; a null or blank argument leaves the setting unset. Not thread-safe. */
    public static final class Builder {

        private String url;
        private Optional<Path> caFile = Optional.empty();
        private Optional<Path> credentialsFile = Optional.empty();
        private String connectionName = "jetconnect";
        private Optional<String> user = Optional.empty();
        private Optional<String> password = Optional.empty();
        private Optional<String> token = Optional.empty();
        private Optional<Path> nkeyFile = Optional.empty();
        private Optional<Path> certFile = Optional.empty();
        private Optional<Path> keyFile = Optional.empty();
        private boolean tlsVerifyHostname = true;

        private Builder(String url) {
            this.url = url;
        }

        private Builder(Values from) {
            url = from.url();
            caFile = from.caFile();
            credentialsFile = from.credentialsFile();
            connectionName = from.connectionName();
            user = from.user();
            password = from.password();
            token = from.token();
            nkeyFile = from.nkeyFile();
            certFile = from.certFile();
            keyFile = from.keyFile();
            tlsVerifyHostname = from.tlsVerifyHostname();
        }

        /** @return a builder for the same settings at another URL; this one is left as it is */
        public Builder url(String newUrl) {
            Builder b = new Builder(values());
            b.url = newUrl;
            return b;
        }

        public Builder caFile(Path file) { caFile = Optional.ofNullable(file); return this; }

        public Builder credentialsFile(Path file) { credentialsFile = Optional.ofNullable(file); return this; }

        public Builder connectionName(String name) { connectionName = name; return this; }

        public Builder user(String name) { user = blankToEmpty(name); return this; }

        public Builder password(String secret) { password = blankToEmpty(secret); return this; }

        public Builder token(String secret) { token = blankToEmpty(secret); return this; }

        public Builder nkeyFile(Path file) { nkeyFile = Optional.ofNullable(file); return this; }

        public Builder certFile(Path file) { certFile = Optional.ofNullable(file); return this; }

        public Builder keyFile(Path file) { keyFile = Optional.ofNullable(file); return this; }

        public Builder tlsVerifyHostname(boolean verify) { tlsVerifyHostname = verify; return this; }

        /** @throws NullPointerException if the URL is null */
        public NatsSettings build() {
            Objects.requireNonNull(url, "url");
            return new NatsSettings(values());
        }

        private Values values() {
            return new Values(url, caFile, credentialsFile, connectionName, user, password, token, nkeyFile,
                    certFile, keyFile, tlsVerifyHostname);
        }

        private static Optional<String> blankToEmpty(String value) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }
    }
}
