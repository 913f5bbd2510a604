package io.jetconnect.plugins.replay;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Where a read begins when no cursor is stored, as written in {@code start}: {@code earliest}, {@code latest},
 * {@code seq:N} or {@code time:ISO-8601}.
 *
 * @param kind which of the four
 * @param sequence the stream sequence for {@link Kind#SEQUENCE}, else 0
 * @param time the instant for {@link Kind#TIME}, else null
 */
record StartPosition(Kind kind, long sequence, ZonedDateTime time) {

    /** The forms of {@code start}. */
    enum Kind {
        /** The first retained message. */
        EARLIEST,
        /** Only messages stored after the consumer is created. */
        LATEST,
        /** A stream sequence. */
        SEQUENCE,
        /** The first message stored at or after an instant. */
        TIME
    }

    static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, 0, null);
    static final StartPosition LATEST = new StartPosition(Kind.LATEST, 0, null);

    /** @return the position of stream sequence {@code sequence} */
    static StartPosition at(long sequence) {
        return new StartPosition(Kind.SEQUENCE, sequence, null);
    }

    /**
     * @param text the value of {@code start}
     * @return the position
     * @throws IllegalArgumentException with a printable reason
     */
    static StartPosition parse(String text) {
        String value = text.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("earliest")) {
            return EARLIEST;
        }
        if (lower.equals("latest")) {
            return LATEST;
        }
        if (lower.startsWith("seq:")) {
            long sequence;
            try {
                sequence = Long.parseLong(value.substring(4).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seq: takes a stream sequence, such as seq:1000");
            }
            if (sequence < 1) {
                throw new IllegalArgumentException("stream sequences start at 1");
            }
            return at(sequence);
        }
        if (lower.startsWith("time:")) {
            try {
                return new StartPosition(Kind.TIME, 0,
                        OffsetDateTime.parse(value.substring(5).trim()).toZonedDateTime());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(
                        "time: takes an ISO-8601 instant with an offset, such as time:2025-01-31T12:00:00Z");
            }
        }
        throw new IllegalArgumentException("must be earliest, latest, \"seq:N\" or \"time:ISO-8601\"");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EARLIEST -> "earliest";
            case LATEST -> "latest";
            case SEQUENCE -> "seq:" + sequence;
            case TIME -> "time:" + time.toOffsetDateTime();
        };
    }
}
