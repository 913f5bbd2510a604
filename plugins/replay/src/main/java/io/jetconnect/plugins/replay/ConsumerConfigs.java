package io.jetconnect.plugins.replay;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;

/**
 * The consumer configurations a source reads with.
 * <ul>
 *   <li>Ephemeral (no {@code durable}): a pull consumer without acks, in memory, with one replica, removed by
 *       the server {@code inactive-threshold} after its client is gone. The source's stored cursor is the
 *       position; the consumer is re-created from it (or from the last delivered sequence + 1) whenever it is
 *       lost.</li>
 *   <li>Durable: a pull consumer with explicit acks and the configured {@code ack-wait}, which several runtimes
 *       may read together; it is the position.</li>
 * </ul>
 */
final class ConsumerConfigs {

    /**
     * Un-acked events the server lets a durable consumer have out, across every runtime reading it: room for 16
     * runtimes with full windows, so that the per-runtime {@code max-in-flight} is what limits each one.
     */
    private static final int DURABLE_READERS = 16;

    private ConsumerConfigs() {
    }

    static ConsumerConfiguration ephemeral(ReplaySettings settings, StartPosition begin, String description) {
        ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
                .description(description)
                .ackPolicy(AckPolicy.None)
                .replayPolicy(ReplayPolicy.Instant)
                .memStorage(true)
                .numReplicas(1)
                .inactiveThreshold(settings.inactiveThreshold())
                .filterSubject(settings.filterSubject());
        return position(builder, begin).build();
    }

    static ConsumerConfiguration durable(ReplaySettings settings, StartPosition begin, String description) {
        ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
                .durable(settings.durable())
                .description(description)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(settings.ackWait())
                .maxAckPending((long) DURABLE_READERS * (settings.maxInFlight() + settings.batchSize()))
                .replayPolicy(ReplayPolicy.Instant)
                .filterSubject(settings.filterSubject());
        return position(builder, begin).build();
    }

    private static ConsumerConfiguration.Builder position(ConsumerConfiguration.Builder builder,
                                                          StartPosition begin) {
        return switch (begin.kind()) {
            case EARLIEST -> builder.deliverPolicy(DeliverPolicy.All);
            case LATEST -> builder.deliverPolicy(DeliverPolicy.New);
            case SEQUENCE -> builder.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(begin.sequence());
            case TIME -> builder.deliverPolicy(DeliverPolicy.ByStartTime).startTime(begin.time());
        };
    }
}
