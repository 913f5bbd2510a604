package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConnectorConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code dlq} decorator's settings, read once from its block over {@code reference.conf}, where every key is
 * declared with its default and a line of documentation.
 */
final class DlqSettings {

    static final String FSYNC = "fsync";
    static final String FSYNC_INTERVAL = "fsync-interval";
    static final String MAX_BYTES = "max-bytes";
    static final String SEGMENT_BYTES = "segment-bytes";
    static final String QUARANTINE_MAX_BYTES = "quarantine-max-bytes";
    static final String RETRY_AFTER = "retry-after";
    static final String CLOSE_TIMEOUT = "close-timeout";
    static final String OWED_PATIENCE = "owed-patience";
    static final String DRAIN_IN_FLIGHT = "drain.in-flight";
    static final String DRAIN_BACKOFF = "drain.backoff";
    static final String DRAIN_CHECKPOINT_INTERVAL = "drain.checkpoint-interval";
    static final String DRAIN_PROGRESS_INTERVAL = "drain.progress-interval";

    /** When an appended record counts as durable. */
    enum Fsync {
        ALWAYS, BATCH, INTERVAL
    }

    final Fsync fsync;
    final Duration fsyncInterval;
    final long maxBytes;
    final long segmentBytes;
    final long quarantineMaxBytes;
    final Duration retryAfter;
    final Duration closeTimeout;
    final Duration owedPatience;
    final int drainInFlight;
    /** The waits between drain attempts after retriable failures. */
    final Backoff drainBackoff;
    final Duration checkpointInterval;
    final Duration progressInterval;

    DlqSettings(Fsync fsync, Duration fsyncInterval, long maxBytes, long segmentBytes, long quarantineMaxBytes,
                Duration retryAfter,
                Duration closeTimeout, Duration owedPatience, int drainInFlight, Backoff drainBackoff,
                Duration checkpointInterval, Duration progressInterval) {
        this.fsync = fsync;
        this.fsyncInterval = fsyncInterval;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.quarantineMaxBytes = quarantineMaxBytes;
        this.retryAfter = retryAfter;
        this.closeTimeout = closeTimeout;
        this.owedPatience = owedPatience;
        this.drainInFlight = drainInFlight;
        this.drainBackoff = drainBackoff;
        this.checkpointInterval = checkpointInterval;
        this.progressInterval = progressInterval;
    }

    static DlqSettings from(ConnectorConfig config) {
        String mode = config.getString(FSYNC).toLowerCase(Locale.ROOT);
        Fsync fsync = switch (mode) {
            case "always" -> Fsync.ALWAYS;
            case "batch" -> Fsync.BATCH;
            case "interval" -> Fsync.INTERVAL;
            default -> throw config.invalid(FSYNC, "must be always, batch or interval");
        };
        long maxBytes = config.getBytes(MAX_BYTES);
        if (maxBytes < 1) {
            throw config.invalid(MAX_BYTES, "must be at least 1 byte");
        }
        long segmentBytes = config.getBytes(SEGMENT_BYTES);
        if (segmentBytes < 1 || segmentBytes > maxBytes) {
            throw config.invalid(SEGMENT_BYTES, "must be between 1 byte and max-bytes (" + maxBytes + " bytes)");
        }
        long quarantineMaxBytes = config.getBytes(QUARANTINE_MAX_BYTES);
        if (quarantineMaxBytes < 1) {
            throw config.invalid(QUARANTINE_MAX_BYTES, "must be at least 1 byte");
        }
        int inFlight = config.getInt(DRAIN_IN_FLIGHT);
        if (inFlight < 1) {
            throw config.invalid(DRAIN_IN_FLIGHT, "must be at least 1");
        }
        return new DlqSettings(fsync, positive(config, FSYNC_INTERVAL), maxBytes, segmentBytes, quarantineMaxBytes,
                notNegative(config, RETRY_AFTER), notNegative(config, CLOSE_TIMEOUT), positive(config, OWED_PATIENCE),
                inFlight, config.getBackoff(DRAIN_BACKOFF), positive(config, DRAIN_CHECKPOINT_INTERVAL),
                positive(config, DRAIN_PROGRESS_INTERVAL));
    }

    private static Duration positive(ConnectorConfig config, String path) {
        Duration value = config.getDuration(path);
        if (value.isNegative() || value.isZero()) {
            throw config.invalid(path, "must be positive");
        }
        return value;
    }

    private static Duration notNegative(ConnectorConfig config, String path) {
        Duration value = config.getDuration(path);
        if (value.isNegative()) {
            throw config.invalid(path, "must not be negative");
        }
        return value;
    }

    @Override
    public String toString() {
        return "fsync=" + fsync.name().toLowerCase(Locale.ROOT)
                + (fsync == Fsync.INTERVAL ? " every " + fsyncInterval.toMillis() + "ms" : "")
                + ", max-bytes=" + maxBytes + ", segment-bytes=" + segmentBytes
                + ", quarantine-max-bytes=" + quarantineMaxBytes
                + ", drain.in-flight=" + drainInFlight;
    }
}
