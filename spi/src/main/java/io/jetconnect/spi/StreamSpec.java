package io.jetconnect.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A stream as declared in {@code jetconnect.streams}, or a bare reference to one that is not declared. Immutable;
 * build one with {@link #builder(String)}, change one with {@link #toBuilder()}.
 *
 * <p>Until 0.1 this was a record; the accessors keep their names, and the record's constructor stays (deprecated)
 * so that plugins compiled against it still build. New settings are added to the builder only.
 */
public final class StreamSpec {

    /** The settings; a record, so that equality, hash and text cover every one of them. */
    private record Values(String key, String name, List<String> subjects, String storage, Duration maxAge,
                          Duration retentionFloor, Duration duplicateWindow, int replicas, long maxMessages,
                          long maxBytes, boolean declared, boolean retentionFloorFails) {

        Values {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(name, "name");
            subjects = List.copyOf(subjects);
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(maxAge, "maxAge");
            Objects.requireNonNull(retentionFloor, "retentionFloor");
            Objects.requireNonNull(duplicateWindow, "duplicateWindow");
        }
    }

    private final Values values;

    private StreamSpec(Values values) {
        this.values = values;
    }

    /**
     * The record's constructor, kept for plugins built against it.
     *
     * @deprecated use {@link #builder(String)}
     */
    @Deprecated(since = "0.2")
    public StreamSpec(String key, String name, List<String> subjects, String storage, Duration maxAge,
                      Duration retentionFloor, Duration duplicateWindow, int replicas, long maxMessages,
                      long maxBytes, boolean declared, boolean retentionFloorFails) {
        this(new Values(key, name, subjects, storage, maxAge, retentionFloor, duplicateWindow, replicas, maxMessages,
                maxBytes, declared, retentionFloorFails));
    }

    /**
     * @param name the JetStream stream name
     * @return a builder with the settings of an undeclared stream: key equal to the name, no subjects, file storage,
     *     no age, message or byte limit, no retention floor (and {@code fail} as its policy), a two-minute
     *     duplicate window, one replica
     * @since 0.2
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * @return a builder holding these settings
     * @since 0.2
     */
    public Builder toBuilder() {
        return builder(name()).key(key()).subjects(subjects()).storage(storage()).maxAge(maxAge())
                .retentionFloor(retentionFloor()).duplicateWindow(duplicateWindow()).replicas(replicas())
                .maxMessages(maxMessages()).maxBytes(maxBytes()).declared(declared())
                .retentionFloorFails(retentionFloorFails());
    }

    /**
     * @param name the stream's name
     * @return a reference to a stream that {@code pipeline.conf} does not declare
     */
    public static StreamSpec undeclared(String name) {
        return builder(name).build();
    }

    /** @return the key under {@code jetconnect.streams}; equal to the name when undeclared */
    public String key() { return values.key(); }

    /** @return the JetStream stream name */
    public String name() { return values.name(); }

    /** @return the subjects it captures; empty when undeclared */
    public List<String> subjects() { return values.subjects(); }

    /** @return {@code file} or {@code memory} */
    public String storage() { return values.storage(); }

    /** @return how long messages are kept; {@link Duration#ZERO} for unlimited */
    public Duration maxAge() { return values.maxAge(); }

    /** @return the least {@code max-age} an existing stream may have; {@link Duration#ZERO} for none */
    public Duration retentionFloor() { return values.retentionFloor(); }

    /** @return the window within which {@code Nats-Msg-Id} deduplicates */
    public Duration duplicateWindow() { return values.duplicateWindow(); }

    /** @return the number of replicas */
    public int replicas() { return values.replicas(); }

    /** @return the message limit, or -1 for none */
    public long maxMessages() { return values.maxMessages(); }

    /** @return the byte limit, or -1 for none */
    public long maxBytes() { return values.maxBytes(); }

    /** @return whether the stream appears in {@code jetconnect.streams} (and may be provisioned) */
    public boolean declared() { return values.declared(); }

    /**
     * @return whether an existing stream kept shorter than the retention floor stops the sink from starting
     *     ({@code retention-floor-policy = fail}) rather than only being warned about ({@code warn})
     */
    public boolean retentionFloorFails() { return values.retentionFloorFails(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamSpec s && values.equals(s.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return {@code StreamSpec[key=..., name=..., ...]}, every setting, as the record printed it */
    @Override
    public String toString() {
        return "StreamSpec" + values.toString().substring("Values".length());
    }

    /**
     * Builds {@link StreamSpec}. Not thread-safe.
     *
     * @since 0.2
     */
    public static final class Builder {

        private final String name;
        /** Null until set: the name stands for it. */
        private String key;
        private List<String> subjects = List.of();
        private String storage = "file";
        private Duration maxAge = Duration.ZERO;
        private Duration retentionFloor = Duration.ZERO;
        private Duration duplicateWindow = Duration.ofMinutes(2);
        private int replicas = 1;
        private long maxMessages = -1;
        private long maxBytes = -1;
        private boolean declared;
        private boolean retentionFloorFails = true;

        private Builder(String name) {
            this.name = name;
        }

        /** @param key the key under {@code jetconnect.streams}; not null */
        public Builder key(String key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** @param subjects the subjects the stream captures; copied */
        public Builder subjects(List<String> subjects) {
            this.subjects = List.copyOf(subjects);
            return this;
        }

        /** @param storage {@code file} or {@code memory}; not null */
        public Builder storage(String storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** @param maxAge how long messages are kept; {@link Duration#ZERO} for unlimited; not null */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /** @param retentionFloor the least {@code max-age} an existing stream may have; ZERO for none; not null */
        public Builder retentionFloor(Duration retentionFloor) {
            this.retentionFloor = Objects.requireNonNull(retentionFloor, "retentionFloor");
            return this;
        }

        /** @param duplicateWindow the window within which {@code Nats-Msg-Id} deduplicates; not null */
        public Builder duplicateWindow(Duration duplicateWindow) {
            this.duplicateWindow = Objects.requireNonNull(duplicateWindow, "duplicateWindow");
            return this;
        }

        /** @param replicas the number of replicas */
        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        /** @param maxMessages the message limit, or -1 for none */
        public Builder maxMessages(long maxMessages) {
            this.maxMessages = maxMessages;
            return this;
        }

        /** @param maxBytes the byte limit, or -1 for none */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** @param declared whether the stream appears in {@code jetconnect.streams} */
        public Builder declared(boolean declared) {
            this.declared = declared;
            return this;
        }

        /** @param fails whether a stream kept shorter than the retention floor stops the sink from starting */
        public Builder retentionFloorFails(boolean fails) {
            this.retentionFloorFails = fails;
            return this;
        }

        /** @throws NullPointerException if the name is null */
        public StreamSpec build() {
            return new StreamSpec(new Values(key == null ? name : key, name, subjects, storage, maxAge,
                    retentionFloor, duplicateWindow, replicas, maxMessages, maxBytes, declared,
                    retentionFloorFails));
        }
    }
}
