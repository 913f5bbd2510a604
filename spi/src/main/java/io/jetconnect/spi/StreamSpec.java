package io.jetconnect.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A stream as declared in {@code jetconnect.streams}, or a bare reference to one that is not declared.
 *
 * @param key the key under {@code jetconnect.streams}; equal to the name when undeclared
 * @param name the JetStream stream name
 * @param subjects the subjects it captures; empty when undeclared
 * @param storage {@code file} or {@code memory}
 * @param maxAge how long messages are kept; {@link Duration#ZERO} for unlimited
 * @param retentionFloor the least {@code max-age} an existing stream may have; {@link Duration#ZERO} for none
 * @param duplicateWindow the window within which {@code Nats-Msg-Id} deduplicates
 * @param replicas the number of replicas
 * @param maxMessages the message limit, or -1 for none
 * @param maxBytes the byte limit, or -1 for none
 * @param declared whether the stream appears in {@code jetconnect.streams} (and may be provisioned)
 * @param retentionFloorFails whether an existing stream kept shorter than the retention floor stops the sink from
 *     starting ({@code retention-floor-policy = fail}) rather than only being warned about ({@code warn})
 */
public record StreamSpec(String key, String name, List<String> subjects, String storage, Duration maxAge,
                         Duration retentionFloor, Duration duplicateWindow, int replicas, long maxMessages,
                         long maxBytes, boolean declared, boolean retentionFloorFails) {

    /**
     * Checks that no reference is null and copies the subjects.
     *
     * @param key the key under {@code jetconnect.streams}; not null
     * @param name the JetStream stream name; not null
     * @param subjects the subjects it captures; not null
     * @param storage {@code file} or {@code memory}; not null
     * @param maxAge how long messages are kept; not null
     * @param retentionFloor the least {@code max-age} an existing stream may have; not null
     * @param duplicateWindow the window within which {@code Nats-Msg-Id} deduplicates; not null
     * @param replicas the number of replicas
     * @param maxMessages the message limit, or -1 for none
     * @param maxBytes the byte limit, or -1 for none
     * @param declared whether the stream appears in {@code jetconnect.streams}
     */
    public StreamSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        subjects = List.copyOf(subjects);
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(retentionFloor, "retentionFloor");
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
    }

    /**
     * @param name the stream's name
     * @return a reference to a stream that {@code pipeline.conf} does not declare
     */
    public static StreamSpec undeclared(String name) {
        return new StreamSpec(name, name, List.of(), "file", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2),
                1, -1, -1, false, true);
    }
}
