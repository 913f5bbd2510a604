package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The {@code jetstream} block, read and checked once at {@code open()}. Defaults come from the plugin's
 * {@code reference.conf}, never from here; every value that has the right type but cannot work is reported with
 * {@link ConnectorConfig#invalid}, which names its file and line.
 *
 * @param stream the stream reference: a key of {@code jetconnect.streams} or a stream name
 * @param subject the parsed subject template
 * @param binary whether to publish in binary content mode (else structured)
 * @param maxInFlight how many events the sink holds at most
 * @param ackTimeout how long a PubAck may take
 * @param retryAttempts how many times one event is published before the circuit opens
 * @param retryWaits the waits between those attempts; never empty
 * @param backoff the waits between the probes of an open circuit
 * @param startRetry the waits between two attempts to reach NATS after {@code open()} failed to, and while the
 *     connection is lost
 * @param messageId how {@code Nats-Msg-Id} is made from the event
 * @param owedPatience how long a subject's events the circuit failed hold back its newer ones when their producer
 *     does not offer them again
 * @param ownConnection whether the sink keeps a connection of its own instead of sharing one with the other sinks of
 *     the same NATS settings
 */
record SinkSettings(String stream, SubjectTemplate subject, boolean binary, int maxInFlight, Duration ackTimeout,
                    int retryAttempts, List<Duration> retryWaits, Backoff backoff, Backoff startRetry,
                    MessageId messageId, Duration owedPatience, boolean ownConnection) {

    /** How events are written to NATS: one JSON document, or the data with its attributes as headers. */
    private enum Mode {
        STRUCTURED, BINARY
    }

    /** Whether the sink shares connections with the other sinks of the same NATS settings. */
    private enum Connection {
        SHARED, OWN
    }

    private static final Setting<Mode> MODE = Setting.choice("mode", Mode.class);
    private static final Setting<Connection> CONNECTION = Setting.choice("connection", Connection.class);
    private static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("max-in-flight", 1, 1_000_000);
    private static final Setting<Duration> ACK_TIMEOUT = Setting.positiveDuration("ack-timeout");
    private static final Setting<Integer> RETRY_ATTEMPTS = Setting.integer("retry.attempts", 1, 100);
    private static final Setting<Backoff> BACKOFF = Setting.backoff("backoff");
    private static final Setting<Backoff> START_RETRY = Setting.backoff("start-retry");
    private static final Setting<MessageId> MESSAGE_ID = Setting.choice("message-id", MessageId.class);
    private static final Setting<Duration> OWED_PATIENCE = Setting.positiveDuration("owed-patience");

    static SinkSettings from(ConnectorConfig config) {
        String stream = required(config, "stream", "a key of jetconnect.streams or a stream name");
        String subjectText = required(config, "subject", "a subject such as \"events.{tenantId}.v1\"");
        SubjectTemplate subject;
        try {
            subject = SubjectTemplate.parse(subjectText);
        } catch (IllegalArgumentException e) {
            throw config.invalid("subject", "the subject " + e.getMessage());
        }
        boolean binary = config.get(MODE) == Mode.BINARY;
        int maxInFlight = config.get(MAX_IN_FLIGHT);
        Duration ackTimeout = config.get(ACK_TIMEOUT);
        int attempts = config.get(RETRY_ATTEMPTS);
        List<String> waitTexts = config.getStringList("retry.waits");
        if (waitTexts.isEmpty() && attempts > 1) {
            throw config.invalid("retry.waits", "must hold at least one wait when retry.attempts > 1");
        }
        List<Duration> waits = waitTexts.stream().map(text -> {
            Duration d = parseDuration(text);
            if (d == null || d.isNegative()) {
                throw config.invalid("retry.waits", "each wait is a duration such as 100ms or 2s");
            }
            return d;
        }).toList();
        if (waits.isEmpty()) {
            waits = List.of(Duration.ZERO);
        }
        return new SinkSettings(stream, subject, binary, maxInFlight, ackTimeout, attempts, waits,
                config.get(BACKOFF), config.get(START_RETRY), config.get(MESSAGE_ID), config.get(OWED_PATIENCE),
                config.get(CONNECTION) == Connection.OWN);
    }

    /** @return the wait before attempt {@code attempt + 1}, for an event already tried {@code attempt} times */
    Duration waitAfter(int attempt) {
        return retryWaits.get(Math.max(0, Math.min(attempt - 1, retryWaits.size() - 1)));
    }

    /** @return the first wait of an open circuit, also the hint given with a refusal while it is full */
    Duration backoffInitial() {
        return backoff.initial();
    }

    private static String required(ConnectorConfig config, String path, String what) {
        if (!config.hasPath(path) || config.getString(path).isBlank()) {
            throw config.invalid(path, "is required: " + what);
        }
        return config.getString(path).trim();
    }

    /**
     * Parses a duration as HOCON writes it ({@code 100ms}, {@code 2 s}, {@code 1.5m}; a bare number is
     * milliseconds), for the one list of durations that {@link ConnectorConfig} can only return as strings.
     *
     * @return the duration, or null if the text is not one
     */
    static Duration parseDuration(String text) {
        String s = text.trim();
        int split = 0;
        while (split < s.length() && (Character.isDigit(s.charAt(split)) || s.charAt(split) == '.')) {
            split++;
        }
        if (split == 0) {
            return null;
        }
        double amount;
        try {
            amount = Double.parseDouble(s.substring(0, split));
        } catch (NumberFormatException e) {
            return null;
        }
        String unit = s.substring(split).trim();
        long nanosPerUnit = switch (unit) {
            case "ns", "nano", "nanos", "nanosecond", "nanoseconds" -> 1L;
            case "us", "micro", "micros", "microsecond", "microseconds" -> 1_000L;
            case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> 1_000_000L;
            case "s", "second", "seconds" -> 1_000_000_000L;
            case "m", "minute", "minutes" -> 60_000_000_000L;
            case "h", "hour", "hours" -> 3_600_000_000_000L;
            case "d", "day", "days" -> 86_400_000_000_000L;
            default -> -1L;
        };
        if (nanosPerUnit < 0) {
            return null;
        }
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }
}
