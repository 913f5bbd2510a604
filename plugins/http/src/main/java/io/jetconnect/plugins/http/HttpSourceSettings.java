package io.jetconnect.plugins.http;

import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.Setting;
import java.time.Duration;

/**
 * The {@code http} source's settings, read once at start from its block over {@code reference.conf}, where every
 * key is declared with its default and a line of documentation.
 *
 * @param auth who may write to the pipeline
 */
record HttpSourceSettings(int maxRequestBytes, int maxEventsPerRequest, Duration retryAfter, int maxNestingDepth,
                          IngestAuth auth) {

    /** Bodies are held in one array (and decoded into one char array), so they must fit one. */
    private static final Setting<Long> MAX_REQUEST_BYTES =
            Setting.bytes("max-request-bytes", 1, Integer.MAX_VALUE - 16);
    private static final Setting<Integer> MAX_EVENTS_PER_REQUEST =
            Setting.integer("max-events-per-request", 1, Integer.MAX_VALUE);
    private static final Setting<Duration> RETRY_AFTER = Setting.duration("retry-after");
    /** Jackson's own writers stop at 1000 levels; leave room for the envelope a sink writes around the data. */
    private static final Setting<Integer> MAX_NESTING_DEPTH = Setting.integer("max-nesting-depth", 2, 500);

    /** Settings that let anyone write ({@code auth.mode = none}). */
    HttpSourceSettings(int maxRequestBytes, int maxEventsPerRequest, Duration retryAfter, int maxNestingDepth) {
        this(maxRequestBytes, maxEventsPerRequest, retryAfter, maxNestingDepth, IngestAuth.NONE);
    }

    static HttpSourceSettings from(ConnectorConfig config) {
        return new HttpSourceSettings(config.get(MAX_REQUEST_BYTES).intValue(), config.get(MAX_EVENTS_PER_REQUEST),
                config.get(RETRY_AFTER), config.get(MAX_NESTING_DEPTH), IngestAuth.from(config));
    }
}
