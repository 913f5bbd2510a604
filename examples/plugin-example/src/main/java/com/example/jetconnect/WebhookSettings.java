package com.example.jetconnect;

import io.jetconnect.spi.ConnectorConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code webhook} sink's settings, read once from its block when the sink opens. Anything that cannot work
 * fails with a {@link io.jetconnect.spi.ConfigurationException} naming the file and line of the value.
 *
 * @param url where to POST
 * @param mode how an event is put into a request
 * @param timeout how long one request may take
 * @param connectTimeout how long connecting may take
 * @param headers further request headers
 * @param maxQueued how many events may wait behind the one being sent
 * @param retryAfter the hint given with backpressure
 */
record WebhookSettings(URI url, Mode mode, Duration timeout, Duration connectTimeout, Map<String, String> headers,
                       int maxQueued, Duration retryAfter) {

    /** The most {@code max-queued} may be. */
    static final int MAX_QUEUED = 100_000;

    /** The content modes of the CloudEvents HTTP binding. */
    enum Mode { BINARY, STRUCTURED }

    WebhookSettings {
        headers = Map.copyOf(headers);
    }

    static WebhookSettings from(ConnectorConfig config) {
        if (!config.hasPath("url")) {
            throw config.invalid("url", "the webhook's url is required");
        }
        URI url = url(config);
        Mode mode = switch (config.getString("mode").toLowerCase(Locale.ROOT)) {
            case "binary" -> Mode.BINARY;
            case "structured" -> Mode.STRUCTURED;
            default -> throw config.invalid("mode", "expected binary or structured");
        };
        Duration timeout = positive(config, "timeout");
        Duration connectTimeout = positive(config, "connect-timeout");
        int maxQueued = config.getInt("max-queued");
        if (maxQueued < 0 || maxQueued > MAX_QUEUED) {
            // The poster's ordered window is allocated whole: keep it to a few MiB.
            throw config.invalid("max-queued", "must be from 0 to " + MAX_QUEUED);
        }
        return new WebhookSettings(url, mode, timeout, connectTimeout, headers(config, url), maxQueued,
                positive(config, "retry-after"));
    }

    private static URI url(ConnectorConfig config) {
        URI url;
        try {
            url = URI.create(config.getString("url"));
        } catch (IllegalArgumentException e) {
            // Not the value itself: a URL may carry a token.
            throw config.invalid("url", "not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw config.invalid("url", "expected an http:// or https:// URL with a host");
        }
        return url;
    }

    private static Duration positive(ConnectorConfig config, String path) {
        Duration value = config.getDuration(path);
        if (value.isNegative() || value.isZero()) {
            throw config.invalid(path, "must be more than zero");
        }
        return value;
    }

    private static Map<String, String> headers(ConnectorConfig config, URI url) {
        ConnectorConfig block = config.getConfig("headers");
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : block.keys()) {
            String value = block.getString('"' + name + '"');
            try {
                // The JDK refuses some headers (Host, Content-Length, Connection...): find out now, not per event.
                HttpRequest.newBuilder(url).header(name, value);
            } catch (IllegalArgumentException e) {
                throw config.invalid("headers", "header '" + name + "' cannot be set: " + e.getMessage());
            }
            if (name.toLowerCase(Locale.ROOT).startsWith("ce-") || name.equalsIgnoreCase("content-type")) {
                throw config.invalid("headers", "header '" + name + "' is written from the event");
            }
            out.put(name, value);
        }
        return out;
    }
}
