package io.jetconnect.runtime.config;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.StreamSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's own settings from the {@code jetconnect} block, resolved and validated.
 *
 * @param pluginsDir where plugins are loaded from
 * @param dataDir where pipelines keep state
 * @param strict whether composition warnings are errors
 * @param shutdownTimeout how long a stopping pipeline waits for in-flight events
 * @param httpHost the listener's address
 * @param httpPort the listener's port; 0 picks a free one
 * @param nats how to reach NATS
 * @param embedded {@code auto} or {@code off}
 * @param natsUrlFromEnvironment whether {@code NATS_URL} set the URL (then nothing is embedded)
 * @param streams the declared streams, by key, in declaration order
 * @param liveFeed the live feed's limits
 * @param adminTokenFile the file holding the admin API's bearer token, if any
 * @param requestTimeout how long an ingest request's body may take to arrive before 408
 * @param natsUrlSetAt where {@code jetconnect.nats.url} was configured ({@code FILE:LINE}, or the environment);
 *     empty when it is reference.conf's default
 * @param allowedHosts the {@code Host} names the listener answers to, besides its bind address ({@code *}: any)
 * @param pipelineStartRetry the waits before starting again a pipeline that could not start for a retriable reason
 */
public record RuntimeSettings(Path pluginsDir, Path dataDir, boolean strict, Duration shutdownTimeout,
                              String httpHost, int httpPort, NatsSettings nats, String embedded,
                              boolean natsUrlFromEnvironment, Map<String, StreamSpec> streams,
                              io.jetconnect.runtime.http.LiveFeed.Settings liveFeed,
                              Optional<Path> adminTokenFile, Duration requestTimeout,
                              Optional<String> natsUrlSetAt, java.util.List<String> allowedHosts,
                              Backoff pipelineStartRetry) {

    public RuntimeSettings {
        allowedHosts = java.util.List.copyOf(allowedHosts);
        streams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(streams));
    }

    /** @return a copy that reaches NATS at another URL (the embedded server's) */
    public RuntimeSettings withNatsUrl(String url) {
        NatsSettings moved = nats.toBuilder().url(url).build();
        return new RuntimeSettings(pluginsDir, dataDir, strict, shutdownTimeout, httpHost, httpPort, moved, embedded,
                natsUrlFromEnvironment, streams, liveFeed, adminTokenFile, requestTimeout, natsUrlSetAt,
                allowedHosts, pipelineStartRetry);
    }

    static Optional<Path> optionalPath(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }
}
