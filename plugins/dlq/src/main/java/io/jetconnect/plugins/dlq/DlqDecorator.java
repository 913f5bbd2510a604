package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.SinkDecorator;
import io.jetconnect.spi.DecoratorTraits;
import io.jetconnect.spi.TypeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dlq} decorator: a durable spill between the chain and the sink it wraps. Put it right before the
 * terminal sink: {@code sinks = [redact, sign, dlq, jetstream]}.
 *
 * <ul>
 *   <li><b>Pass-through</b>: while the wrapped sink takes events, they go straight to it, with no disk I/O.</li>
 *   <li><b>Spill</b>: an event the wrapped sink fails with a {@code RetriableException} (broker gone, circuit open,
 *       timeout) is appended to a log under {@code <data-dir>/<pipeline>/dlq/}; its emit completes normally once
 *       the record is fsynced ({@code fsync = always | batch | interval}, group commit). From then on every new
 *       event is appended behind it, in emit order, until the log is drained: nothing overtakes a spilled
 *       event.</li>
 *   <li><b>Drain</b>: passes on a serial executor replay the log into the wrapped sink in order once it takes events again (probing
 *       with the oldest record, backing off exponentially, then {@code drain.in-flight} at a time), checkpoints its
 *       progress per segment, deletes drained segments, and switches back to pass-through when the log is
 *       empty.</li>
 *   <li><b>Refusals</b>: an event the wrapped sink fails permanently while its producer waits (it passed through)
 *       fails its emit with that error, as without this layer (the http source answers 422 or 413); nothing is
 *       kept.</li>
 *   <li><b>Quarantine</b>: a spilled event the wrapped sink fails permanently while draining (nobody waits for it
 *       any more) is written to {@code dlq/quarantine.jsonl} with the time and reason and counted in
 *       {@code jetconnect_dlq_quarantined_total}; it is never retried. The quarantine is bounded by
 *       {@code quarantine-max-bytes}: when full, the drain waits at that record (nothing is dropped).</li>
 *   <li><b>Bounded</b>: an event that would take the log past {@code max-bytes}, or that cannot be written (full
 *       disk), fails with a {@code BackpressureException} ({@code retry-after}); nothing acknowledged is ever
 *       dropped.</li>
 *   <li><b>Restart-safe</b>: each record is {@code [version][length][header tag][payload tag][event]}
 *       ({@link RecordCodec}: HMAC-SHA256 tags under the data directory's {@link SpillKey}, so that no event's data
 *       can pass for a record; the event's attributes with their types and its data bytes as they are; logs of
 *       earlier builds still drain). At startup the log is scanned; torn tails and corrupt records are copied to
 *       {@code dlq/quarantine/}, every intact record is kept, and if any is left the layer starts spilling with the
 *       drainer running.</li>
 * </ul>
 *
 * Events are never logged, only their ids and counts. Metrics, and the status the admin API shows
 * ({@code GET /v1/pipelines/{name}/dlq}): see {@link DlqMetrics}.
 */
@Extension
@TypeName("dlq")
@DecoratorTraits(changesEvents = false, persists = true)
public final class DlqDecorator implements SinkDecorator {

    @Override
    public void validate(io.jetconnect.spi.ConnectorConfig config) {
        DlqSettings.from(config);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DlqDecorator.class);
    static final String DIR = "dlq";

    @Override
    public EventSink decorate(SinkContext context, EventSink next) {
        return open(context, next, FileOps.REAL);
    }

    static DlqSink open(SinkContext context, EventSink next, FileOps files) {
        DlqSettings settings = DlqSettings.from(context.config());
        String pipeline = context.pipelineName();
        Path dir = context.dataDir().resolve(DIR);
        DlqMetrics metrics = new DlqMetrics(context.metrics());
        Quarantine quarantine = null;
        try {
            Files.createDirectories(dir);
            RecordCodec codec = new RecordCodec(SpillKey.loadOrCreate(dir));
            quarantine = new Quarantine(dir, pipeline, codec, files, metrics.quarantined, settings.retryAfter,
                    settings.quarantineMaxBytes, context.serialExecutor("dlq-quarantine"));
            SegmentScanner.Result recovered = SegmentScanner.recover(dir, codec, quarantine, pipeline);
            SpillLog log = new SpillLog(dir, settings, files, pipeline, recovered, metrics,
                    context.serialExecutor("dlq-writer"));
            metrics.gauges(log, settings.maxBytes);
            metrics.quarantineGauges(quarantine, settings.quarantineMaxBytes);
            DlqSink sink = new DlqSink(next, log, quarantine, codec, settings, pipeline, metrics);
            sink.start(new Drainer(log, next, quarantine, codec, settings, metrics.drained, sink::tryResume,
                    sink::spilling, context.serialExecutor("dlq-drain")));
            context.registerAction("drain", sink::drainNow);
            Quarantine held = quarantine;
            context.registerStatus(() -> metrics.status(log, held, sink.spilling(), settings.maxBytes,
                    settings.quarantineMaxBytes));
            LOG.info("pipeline '{}': dlq at position {} in {} ({}); {}", pipeline, context.position(), dir, settings,
                    recovered.segments().isEmpty() ? "log empty, passing events through"
                            : recovered.records() + " spilled event(s) recovered, draining them first");
            return sink;
        } catch (IOException | RuntimeException e) {
            if (quarantine != null) {
                quarantine.close(settings.closeTimeout);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new JetconnectException("dlq of pipeline '" + pipeline + "' cannot open its log in " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
