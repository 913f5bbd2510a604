package io.jetconnect.plugins.http;

import io.jetconnect.spi.ConnectorConfig;
import java.time.Duration;

/**
 * The {@code http} source's settings, read once at start from its block over {@code reference.conf}, where every
 * key is declared with its default and a line of documentation.
 *
 * @param auth who may write to the pipeline
 */
record HttpSourceSettings(int maxRequestBytes, int maxEventsPerRequest, Duration retryAfter, int maxNestingDepth,
                          IngestAuth auth) {

    static final String MAX_REQUEST_BYTES = "max-request-bytes";
    static final String MAX_EVENTS_PER_REQUEST = "max-events-per-request";
    static final String RETRY_AFTER = "retry-after";
    static final String MAX_NESTING_DEPTH = "max-nesting-depth";

    /** Bodies are held in one array (and decoded into one char array), so they must fit one. */
    private static final long BODY_CEILING = Integer.MAX_VALUE - 16;

    /** Jackson's own writers stop at 1000 levels; leave room for the envelope a sink writes around the data. */
    private static final int NESTING_CEILING = 500;

    /** Settings that let anyone write ({@code auth.mode = none}). */
    HttpSourceSettings(int maxRequestBytes, int maxEventsPerRequest, Duration retryAfter, int maxNestingDepth) {
        this(maxRequestBytes, maxEventsPerRequest, retryAfter, maxNestingDepth, IngestAuth.NONE);
    }

    static HttpSourceSettings from(ConnectorConfig config) {
        long maxBytes = config.getBytes(MAX_REQUEST_BYTES);
        if (maxBytes < 1 || maxBytes > BODY_CEILING) {
            throw config.invalid(MAX_REQUEST_BYTES, "must be between 1 byte and " + BODY_CEILING + " bytes");
        }
        int maxEvents = config.getInt(MAX_EVENTS_PER_REQUEST);
        if (maxEvents < 1) {
            throw config.invalid(MAX_EVENTS_PER_REQUEST, "must be at least 1");
        }
        Duration retryAfter = config.getDuration(RETRY_AFTER);
        if (retryAfter.isNegative()) {
            throw config.invalid(RETRY_AFTER, "must not be negative");
        }
        int depth = config.getInt(MAX_NESTING_DEPTH);
        if (depth < 2 || depth > NESTING_CEILING) {
            throw config.invalid(MAX_NESTING_DEPTH, "must be between 2 and " + NESTING_CEILING);
        }
        return new HttpSourceSettings((int) maxBytes, maxEvents, retryAfter, depth, IngestAuth.from(config));
    }
}
