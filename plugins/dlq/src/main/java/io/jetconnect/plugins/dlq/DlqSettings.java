package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.Setting;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code dlq} decorator's settings, read once from its block over {@code reference.conf}, where every key is
 * declared with its default and a line of documentation.
 */
final class DlqSettings {

    /** When an appended record counts as durable. */
    enum Fsync {
        ALWAYS, BATCH, INTERVAL
    }

    private static final Setting<Fsync> FSYNC = Setting.choice("fsync", Fsync.class);
    private static final Setting<Duration> FSYNC_INTERVAL = Setting.positiveDuration("fsync-interval");
    private static final Setting<Long> MAX_BYTES = Setting.bytes("max-bytes", 1, Long.MAX_VALUE);
    private static final Setting<Long> SEGMENT_BYTES = Setting.bytes("segment-bytes", 1, Long.MAX_VALUE);
    private static final Setting<Long> QUARANTINE_MAX_BYTES = Setting.bytes("quarantine-max-bytes", 1, Long.MAX_VALUE);
    private static final Setting<Duration> RETRY_AFTER = Setting.duration("retry-after");
    private static final Setting<Duration> CLOSE_TIMEOUT = Setting.duration("close-timeout");
    private static final Setting<Duration> OWED_PATIENCE = Setting.positiveDuration("owed-patience");
    private static final Setting<Integer> DRAIN_IN_FLIGHT = Setting.integer("drain.in-flight", 1, Integer.MAX_VALUE);
    private static final Setting<Backoff> DRAIN_BACKOFF = Setting.backoff("drain.backoff");
    private static final Setting<Duration> DRAIN_CHECKPOINT_INTERVAL =
            Setting.positiveDuration("drain.checkpoint-interval");
    private static final Setting<Duration> DRAIN_PROGRESS_INTERVAL =
            Setting.positiveDuration("drain.progress-interval");

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

    private DlqSettings(ConnectorConfig config) {
        fsync = config.get(FSYNC);
        maxBytes = config.get(MAX_BYTES);
        segmentBytes = config.get(SEGMENT_BYTES);
        if (segmentBytes > maxBytes) {
            throw config.invalid(SEGMENT_BYTES.path(),
                    "must be between 1 byte and max-bytes (" + maxBytes + " bytes)");
        }
        quarantineMaxBytes = config.get(QUARANTINE_MAX_BYTES);
        drainInFlight = config.get(DRAIN_IN_FLIGHT);
        fsyncInterval = config.get(FSYNC_INTERVAL);
        retryAfter = config.get(RETRY_AFTER);
        closeTimeout = config.get(CLOSE_TIMEOUT);
        owedPatience = config.get(OWED_PATIENCE);
        drainBackoff = config.get(DRAIN_BACKOFF);
        checkpointInterval = config.get(DRAIN_CHECKPOINT_INTERVAL);
        progressInterval = config.get(DRAIN_PROGRESS_INTERVAL);
    }

    /** @throws io.jetconnect.spi.ConfigurationException naming the offending key's file and line */
    static DlqSettings from(ConnectorConfig config) {
        return new DlqSettings(config);
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
