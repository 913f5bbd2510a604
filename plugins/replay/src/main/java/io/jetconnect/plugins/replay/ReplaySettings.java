package io.jetconnect.plugins.replay;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.PluginContext;
import io.jetconnect.spi.Setting;
import io.jetconnect.spi.StreamSpec;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The settings of a {@code replay} or {@code live-tail} source, read once at start from its block over this
 * plugin's {@code reference.conf}, where every key is declared with its default and a line of documentation.
 * A live tail is a replay that starts at {@code latest}, never stops and logs no progress.
 *
 * @param type {@code replay} or {@code live-tail}, for logs and the {@code source} tag
 * @param stream the stream read
 * @param filterSubject the subject filter, or null for every message
 * @param durable the durable consumer's name, or null for an ephemeral consumer
 * @param refreshInterval how often progress is logged (replay) and the lag and the consumer are checked (both)
 * @param backoff the waits before reaching NATS, the stream or the cursor store again, and before a rewind
 * @param ownConnection whether the source keeps a connection of its own instead of sharing one with the other
 *     sources of the same NATS settings
 */
record ReplaySettings(String type, StreamSpec stream, String filterSubject, StartPosition start, Then then,
                      OnGap onGap, String durable, int batchSize, int maxInFlight, Duration inactiveThreshold,
                      Duration refreshInterval, boolean logProgress, Duration ackWait, Duration stopTimeout,
                      Backoff backoff, boolean ownConnection) {

    /** The server refuses consumer names with these; the check names the key instead. */
    private static final Pattern CONSUMER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    /** A live tail refreshes its lag gauge and checks its consumer this often; it has no progress log. */
    private static final Duration LIVE_TAIL_REFRESH = Duration.ofSeconds(5);

    private static final Setting<String> STREAM = Setting.text("stream").map(String::trim)
            .require(ref -> !ref.isEmpty(), "names no stream; give a key of jetconnect.streams or a stream name");
    private static final Setting<String> FILTER_SUBJECT = Setting.text("filter-subject").map(String::trim)
            .require(filter -> filter.chars().noneMatch(Character::isWhitespace),
                    "a subject cannot contain white space");
    private static final Setting<StartPosition> START = Setting.text("start").map(StartPosition::parse);
    private static final Setting<Then> THEN = Setting.choice("then", Then.class);
    private static final Setting<OnGap> ON_GAP = Setting.choice("on-gap", OnGap.class);
    private static final Setting<String> DURABLE = Setting.text("durable").map(String::trim)
            .require(name -> name.isEmpty() || CONSUMER_NAME.matcher(name).matches(),
                    "a consumer name is 1 to 200 of A-Z a-z 0-9 _ -");
    private static final Setting<Integer> BATCH_SIZE = Setting.integer("batch-size", 1, 10_000);
    private static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("max-in-flight", 1, 1 << 20);
    private static final Setting<Duration> INACTIVE_THRESHOLD = Setting.positiveDuration("inactive-threshold");
    private static final Setting<Duration> PROGRESS_INTERVAL = Setting.positiveDuration("progress-interval");
    private static final Setting<Duration> ACK_WAIT = Setting.positiveDuration("ack-wait");
    private static final Setting<Duration> STOP_TIMEOUT = Setting.duration("stop-timeout");
    private static final Setting<Backoff> BACKOFF = Setting.backoff("backoff");
    private static final Setting<Connection> CONNECTION = Setting.choice("connection", Connection.class);

    /** What happens once the drain has reached the stream's last sequence at start. */
    enum Then {
        STOP, LIVE_TAIL
    }

    /** Whether the source shares connections with the other sources of the same NATS settings. */
    private enum Connection {
        SHARED, OWN
    }

    /** What a retention gap does. */
    enum OnGap {
        FAIL, SKIP, AUTO
    }

    /** @return the settings of a {@code replay} source */
    static ReplaySettings replay(PluginContext context) {
        return replay(context.config(), context::stream);
    }

    /** @return the settings of a {@code replay} block; {@code check} passes a stream lookup that never fails */
    static ReplaySettings replay(ConnectorConfig config, java.util.function.Function<String, StreamSpec> streams) {
        StartPosition start = config.get(START);
        Then then = config.get(THEN);
        return common(config, streams, "replay", start, then, config.get(PROGRESS_INTERVAL), true);
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
        StreamSpec stream = streams.apply(config.get(STREAM));
        String filter = config.get(FILTER_SUBJECT);
        OnGap onGap = config.get(ON_GAP);
        String durable = config.get(DURABLE);
        return new ReplaySettings(type, stream, filter.isEmpty() ? null : filter, start, then, onGap,
                durable.isEmpty() ? null : durable, config.get(BATCH_SIZE), config.get(MAX_IN_FLIGHT),
                config.get(INACTIVE_THRESHOLD), refresh, logProgress, config.get(ACK_WAIT), config.get(STOP_TIMEOUT),
                config.get(BACKOFF), config.get(CONNECTION) == Connection.OWN);
    }

    String streamName() {
        return stream.name();
    }

    boolean isDurable() {
        return durable != null;
    }

    /** @return the cursor store's key: the durable name when there is one, else the stream name */
    String cursorKey() {
        return durable != null ? durable : stream.name();
    }
}
