package io.jetconnect.plugins.replay;

import io.jetconnect.spi.JetconnectException;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the consumer a source reads with, at a position, after checking the position against the stream's
 * retention: a gap is logged (WARN), counted, and then fails the read or is skipped as {@code on-gap} says.
 * Ephemeral consumers are created anew each time; a durable one is bound when it exists (it is the position) and
 * created otherwise, tolerating another runtime creating it at the same moment.
 */
final class StreamConsumers {

    private static final Logger LOG = LoggerFactory.getLogger(StreamConsumers.class);
    static final int CONSUMER_NOT_FOUND = 10014;

    /**
     * A consumer ready to read.
     *
     * @param consumer its context
     * @param ephemeralName its name when ephemeral (to delete it on stop), else null
     * @param before the last stream sequence before its first message (its delivered sequence at creation)
     * @param pending the messages it has left to deliver
     * @param ackFloor a durable consumer's ack floor, else 0
     */
    record Opened(ConsumerContext consumer, String ephemeralName, long before, long pending, long ackFloor) {
    }

    private final ReplaySettings settings;
    private final ReplayMetrics metrics;
    private final String label;
    private final String description;
    private boolean warnedAhead;

    StreamConsumers(ReplaySettings settings, ReplayMetrics metrics, String label, String description) {
        this.settings = settings;
        this.metrics = metrics;
        this.label = label;
        this.description = description;
    }

    /**
     * @param begin where to begin
     * @param resuming whether the position continues an earlier read (for {@code on-gap = auto})
     * @throws JetconnectException if a gap fails the read
     */
    Opened ephemeral(StreamContext stream, StreamState state, StartPosition begin, boolean resuming)
            throws IOException, JetStreamApiException {
        StartPosition at = checkGap(begin, state, resuming);
        ConsumerContext created = stream.createOrUpdateConsumer(ConsumerConfigs.ephemeral(settings, at, description));
        ConsumerInfo info = Objects.requireNonNull(created.getCachedConsumerInfo(), "consumer info");
        return new Opened(created, info.getName(), Math.max(0, info.getDelivered().getStreamSequence()),
                info.getNumPending(), 0);
    }

    /**
     * @param beginIfNew where a consumer that does not exist yet begins
     * @param resuming as for {@link #ephemeral}
     * @throws JetconnectException if a gap fails the read, or the existing consumer reads another subject
     */
    Opened durable(StreamContext stream, StreamState state, StartPosition beginIfNew, boolean resuming)
            throws IOException, JetStreamApiException {
        String name = settings.durable();
        ConsumerInfo info = lookup(stream, name);
        if (info == null) {
            StartPosition at = checkGap(beginIfNew, state, resuming);
            try {
                stream.createOrUpdateConsumer(ConsumerConfigs.durable(settings, at, description));
                LOG.info("{}: created durable consumer {} at {}", label, name, at);
            } catch (JetStreamApiException e) {
                // Another runtime created it first, with its own start: read with theirs.
                if (lookup(stream, name) == null) {
                    throw e;
                }
            }
            info = lookup(stream, name);
            if (info == null) {
                throw new IOException("durable consumer " + name + " vanished right after it was created");
            }
        } else {
            LOG.info("{}: reading with durable consumer {} (ack floor {})", label, name,
                    info.getAckFloor().getStreamSequence());
        }
        ConsumerConfiguration config = info.getConsumerConfiguration();
        if (!Objects.equals(config.getFilterSubject(), settings.filterSubject())) {
            throw new JetconnectException("durable consumer " + name + " of stream " + settings.streamName()
                    + " reads subject " + shown(config.getFilterSubject()) + ", not "
                    + shown(settings.filterSubject()) + "; delete it or choose another name");
        }
        long floor = info.getAckFloor().getStreamSequence();
        return new Opened(stream.getConsumerContext(name), null, floor, info.getNumPending(), floor);
    }

    /** @return the consumer's info, or null if the server does not have it */
    static ConsumerInfo lookup(StreamContext stream, String name) throws IOException, JetStreamApiException {
        try {
            return stream.getConsumerInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** @return the position to begin at: {@code begin}, or the first sequence left after a skipped gap */
    private StartPosition checkGap(StartPosition begin, StreamState state, boolean resuming) {
        if (begin.kind() != StartPosition.Kind.SEQUENCE) {
            return begin;
        }
        if (begin.sequence() > state.getLastSequence() + 1 && !warnedAhead) {
            warnedAhead = true;
            LOG.warn("{}: beginning at sequence {}, past the stream's last sequence {}: was the stream re-created? "
                    + "Events stored below {} will not be read", label, begin.sequence(), state.getLastSequence(),
                    begin.sequence());
        }
        RetentionGap gap = RetentionGap.between(begin.sequence(), state.getFirstSequence(), resuming);
        if (gap == null) {
            return begin;
        }
        metrics.gap(gap.missing());
        String policy = settings.onGap().name().toLowerCase(Locale.ROOT);
        if (gap.fails(settings.onGap())) {
            LOG.warn("{}; failing (on-gap = {})", gap.describe(settings.streamName()), policy);
            throw new JetconnectException(gap.describe(settings.streamName()) + "; on-gap = " + policy
                    + " refuses to skip them");
        }
        LOG.warn("{}; going on from {} (on-gap = {})", gap.describe(settings.streamName()), gap.firstAvailable(),
                policy);
        return StartPosition.at(gap.firstAvailable());
    }

    private static String shown(String subject) {
        return subject == null ? "(every subject)" : subject.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
