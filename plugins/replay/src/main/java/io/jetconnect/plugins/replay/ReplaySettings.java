package io.jetconnect.plugins.replay;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.PluginContext;
import io.jetconnect.spi.StreamSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The settings of a {@code replay} or {@code live-tail} source, read once at start from its block over this
 * plugin's {@code reference.conf}, where every key is declared with its default and a line of documentation.
 * A live tail is a replay that starts at {@code latest}, never stops and logs no progress.
 */
final class ReplaySettings {

    static final String STREAM = "stream";
    static final String FILTER_SUBJECT = "filter-subject";
    static final String START = "start";
    static final String THEN = "then";
    static final String ON_GAP = "on-gap";
    static final String DURABLE = "durable";
    static final String BATCH_SIZE = "batch-size";
    static final String MAX_IN_FLIGHT = "max-in-flight";
    static final String INACTIVE_THRESHOLD = "inactive-threshold";
    static final String PROGRESS_INTERVAL = "progress-interval";
    static final String ACK_WAIT = "ack-wait";
    static final String STOP_TIMEOUT = "stop-timeout";
    static final String BACKOFF = "backoff";

    /** The server refuses consumer names with these; the check names the key instead. */
    private static final Pattern CONSUMER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    /** A live tail refreshes its lag gauge and checks its consumer this often; it has no progress log. */
    private static final Duration LIVE_TAIL_REFRESH = Duration.ofSeconds(5);
    private static final int MAX_BATCH = 10_000;
    private static final int MAX_WINDOW = 1 << 20;

    /** What happens once the drain has reached the stream's last sequence at start. */
    enum Then {
        STOP, LIVE_TAIL
    }

    /** What a retention gap does. */
    enum OnGap {
        FAIL, SKIP, AUTO
    }

    private final String type;
    private final StreamSpec stream;
    private final String filterSubject;
    private final StartPosition start;
    private final Then then;
    private final OnGap onGap;
    private final String durable;
    private final int batchSize;
    private final int maxInFlight;
    private final Duration inactiveThreshold;
    private final Duration progressInterval;
    private final boolean logProgress;
    private final Duration ackWait;
    private final Duration stopTimeout;
    private final Backoff backoff;

    private ReplaySettings(String type, StreamSpec stream, String filterSubject, StartPosition start, Then then,
                           OnGap onGap, String durable, int batchSize, int maxInFlight, Duration inactiveThreshold,
                           Duration progressInterval, boolean logProgress, Duration ackWait, Duration stopTimeout,
                           Backoff backoff) {
        this.type = type;
        this.stream = stream;
        this.filterSubject = filterSubject;
        this.start = start;
        this.then = then;
        this.onGap = onGap;
        this.durable = durable;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.inactiveThreshold = inactiveThreshold;
        this.progressInterval = progressInterval;
        this.logProgress = logProgress;
        this.ackWait = ackWait;
        this.stopTimeout = stopTimeout;
        this.backoff = backoff;
    }

    /** @return the settings of a {@code replay} source */
    static ReplaySettings replay(PluginContext context) {
        return replay(context.config(), context::stream);
    }

    /** @return the settings of a {@code replay} block; {@code check} passes a stream lookup that never fails */
    static ReplaySettings replay(ConnectorConfig config, java.util.function.Function<String, StreamSpec> streams) {
        StartPosition start;
        try {
            start = StartPosition.parse(config.getString(START));
        } catch (IllegalArgumentException e) {
            throw config.invalid(START, e.getMessage());
        }
        Then then = switch (config.getString(THEN).trim().toLowerCase(Locale.ROOT)) {
            case "stop" -> Then.STOP;
            case "live-tail" -> Then.LIVE_TAIL;
            default -> throw config.invalid(THEN, "must be stop or live-tail");
        };
        Duration progress = positive(config, PROGRESS_INTERVAL);
        return common(config, streams, "replay", start, then, progress, true);
    }

    /** @return the settings of a {@code live-tail} source */
    static ReplaySettings liveTail(PluginContext context) {
        return liveTail(context.config(), context::stream);
    }

    /** @return the settings of a {@code live-tail} block */
    static ReplaySettings liveTail(ConnectorConfig config, java.util.function.Function<String, StreamSpec> streams) {
        return common(config, streams, "live-tail", StartPosition.LATEST, Then.LIVE_TAIL, LIVE_TAIL_REFRESH, false);
    }

    private static ReplaySettings common(ConnectorConfig config,
                                         java.util.function.Function<String, StreamSpec> streams, String type,
                                         StartPosition start, Then then, Duration refresh, boolean logProgress) {
        String streamRef = config.getString(STREAM).trim();
        if (streamRef.isEmpty()) {
            throw config.invalid(STREAM, "names no stream; give a key of jetconnect.streams or a stream name");
        }
        StreamSpec stream = streams.apply(streamRef);
        String filter = config.getString(FILTER_SUBJECT).trim();
        if (filter.chars().anyMatch(Character::isWhitespace)) {
            throw config.invalid(FILTER_SUBJECT, "a subject cannot contain white space");
        }
        OnGap onGap = switch (config.getString(ON_GAP).trim().toLowerCase(Locale.ROOT)) {
            case "fail" -> OnGap.FAIL;
            case "skip" -> OnGap.SKIP;
            case "auto" -> OnGap.AUTO;
            default -> throw config.invalid(ON_GAP, "must be fail, skip or auto");
        };
        String durable = config.getString(DURABLE).trim();
        if (!durable.isEmpty() && !CONSUMER_NAME.matcher(durable).matches()) {
            throw config.invalid(DURABLE, "a consumer name is 1 to 200 of A-Z a-z 0-9 _ -");
        }
        int batch = config.getInt(BATCH_SIZE);
        if (batch < 1 || batch > MAX_BATCH) {
            throw config.invalid(BATCH_SIZE, "must be between 1 and " + MAX_BATCH);
        }
        int window = config.getInt(MAX_IN_FLIGHT);
        if (window < 1 || window > MAX_WINDOW) {
            throw config.invalid(MAX_IN_FLIGHT, "must be between 1 and " + MAX_WINDOW);
        }
        Duration inactive = positive(config, INACTIVE_THRESHOLD);
        Duration ackWait = positive(config, ACK_WAIT);
        Duration stopTimeout = config.getDuration(STOP_TIMEOUT);
        if (stopTimeout.isNegative()) {
            throw config.invalid(STOP_TIMEOUT, "must not be negative");
        }
        return new ReplaySettings(type, stream, filter.isEmpty() ? null : filter, start, then, onGap,
                durable.isEmpty() ? null : durable, batch, window, inactive, refresh, logProgress, ackWait,
                stopTimeout, config.getBackoff(BACKOFF));
    }

    private static Duration positive(ConnectorConfig config, String key) {
        Duration value = config.getDuration(key);
        if (value.isNegative() || value.isZero()) {
            throw config.invalid(key, "must be positive");
        }
        return value;
    }

    /** @return {@code replay} or {@code live-tail}, for logs and the {@code source} tag */
    String type() {
        return type;
    }

    String streamName() {
        return stream.name();
    }

    /** @return the subject filter, or null for every message */
    String filterSubject() {
        return filterSubject;
    }

    StartPosition start() {
        return start;
    }

    Then then() {
        return then;
    }

    OnGap onGap() {
        return onGap;
    }

    /** @return the durable consumer's name, or null for an ephemeral consumer */
    String durable() {
        return durable;
    }

    boolean isDurable() {
        return durable != null;
    }

    int batchSize() {
        return batchSize;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    Duration inactiveThreshold() {
        return inactiveThreshold;
    }

    /** @return how often progress is logged (replay) and the lag and the consumer are checked (both) */
    Duration refreshInterval() {
        return progressInterval;
    }

    boolean logProgress() {
        return logProgress;
    }

    Duration ackWait() {
        return ackWait;
    }

    Duration stopTimeout() {
        return stopTimeout;
    }

    /** @return the waits before reaching NATS, the stream or the cursor store again, and before a rewind */
    Backoff backoff() {
        return backoff;
    }

    /** @return the cursor store's key: the durable name when there is one, else the stream name */
    String cursorKey() {
        return durable != null ? durable : stream.name();
    }
}
