package io.jetconnect.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach NATS, from {@code jetconnect.nats}. The URL may carry credentials in its userinfo; use
 * {@link #redactedUrl()} wherever it could reach a log, an error or a metric. {@link #toString()} is redacted.
 *
 * @param url the server URL, or several separated by commas
 * @param caFile a PEM file of the private CA to trust, if any
 * @param credentialsFile a NATS {@code .creds} file, if any
 * @param connectionName the name shown by the server's monitoring
 */
public record NatsSettings(String url, Optional<Path> caFile, Optional<Path> credentialsFile,
                           String connectionName) {

    /** @return the URL with any userinfo replaced by {@code ***} */
    public String redactedUrl() {
        return redact(url);
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
    public String toString() {
        return "NatsSettings[url=" + redactedUrl() + ", caFile=" + caFile.map(Path::toString).orElse("none")
                + ", credentialsFile=" + (credentialsFile.isPresent() ? "set" : "none") + ", connectionName="
                + connectionName + "]";
    }
}
