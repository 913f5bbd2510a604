package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.PluginMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the spill log into the wrapped sink, in log order, on a thread of its own.
 *
 * <ul>
 *   <li><b>Probe</b>: while the sink is not known to take events, only the oldest unacknowledged record is sent;
 *       after each retriable failure the drainer waits ({@code drain.backoff.initial}, doubled up to
 *       {@code drain.backoff.max}) and sends it again.</li>
 *   <li><b>Pipeline</b>: once a probe succeeds, up to {@code drain.in-flight} records are in flight at once, sent in
 *       order from this one thread. Acknowledgements advance through the log in order. With the window full, the
 *       thread waits for an eighth of it to complete and refills that much at once ({@link DrainerSignal}).</li>
 *   <li><b>Rewind</b>: when a record fails retriably, nothing more is sent; once every record in flight has
 *       completed, the drainer goes back to the first unacknowledged record and probes again. Records after it that
 *       the sink did take are sent again: the {@code jetstream} sink deduplicates them by event id.</li>
 *   <li><b>Permanent failures</b> of a drained record send it to the quarantine; it then counts as handled.
 *       Corrupt ranges met on the way are quarantined (once: a range found at startup is not copied twice).</li>
 *   <li><b>Progress</b>: a segment's checkpoint is rewritten every {@code drain.in-flight} acknowledgements and at
 *       least every {@code drain.checkpoint-interval}, so a restart re-sends less than one window of acknowledged
 *       records; a segment is deleted once all of it is acknowledged.</li>
 *   <li><b>Empty</b>: when nothing is left, it asks the layer to switch back to pass-through, which the layer does
 *       only if nothing was spilled meanwhile.</li>
 * </ul>
 */
final class Drainer {

    private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private enum Outcome { PENDING, OK, RETRY, PERMANENT, QUARANTINING, QUARANTINED }

    /** A record sent to the sink (or a corrupt range skipped), in log order. */
    private static final class InFlight {
        final Segment segment;
        final long offset;
        final long end;
        final boolean record;
        final CloudEvent event;
        final int generation;
        volatile Outcome outcome = Outcome.PENDING;
        volatile Throwable error;

        InFlight(Segment segment, long offset, long end, boolean record, CloudEvent event, int generation) {
            this.segment = segment;
            this.offset = offset;
            this.end = end;
            this.record = record;
            this.event = event;
            this.generation = generation;
        }

        boolean settled() {
            Outcome o = outcome;
            return o != Outcome.PENDING && o != Outcome.QUARANTINING;
        }
    }

    private final SpillLog log;
    private final EventSink inner;
    private final Quarantine quarantine;
    private final RecordCodec codec;
    private final DlqSettings settings;
    private final PluginMetrics.Counter drained;
    private final BooleanSupplier resume;
    private final DrainProgress progress;
    private final String pipeline;
    private final Thread thread;

    private final DrainerSignal signal = new DrainerSignal();
    private volatile boolean retry;
    /** Counts rewinds; a late failure of a record sent before the last rewind does not cause another. */
    private volatile int generation;
    private volatile boolean stopping;
    private volatile boolean halted;

    // Owned by the drainer's thread.
    private final ArrayDeque<InFlight> window = new ArrayDeque<>();
    private final LogCursor cursor;
    private boolean healthy;
    private long backoffNanos;
    /** Sends started, for {@link DrainerSignal#awaitCompletions}. */
    private long started;
    private Segment checkpointSegment;
    private int ackedSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private long lastRefusalLogNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    Drainer(SpillLog log, EventSink inner, Quarantine quarantine, RecordCodec codec, DlqSettings settings,
            PluginMetrics.Counter drained, BooleanSupplier resume) {
        this.log = log;
        this.inner = inner;
        this.quarantine = quarantine;
        this.codec = codec;
        this.settings = settings;
        this.drained = drained;
        this.resume = resume;
        this.pipeline = log.pipeline;
        this.cursor = new LogCursor(log, codec);
        this.progress = new DrainProgress(pipeline, settings.progressInterval);
        this.backoffNanos = settings.backoffInitial.toNanos();
        this.thread = new Thread(this::run, "jetconnect-dlq-drainer-" + pipeline);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The operator asked for a drain attempt now ({@code POST /v1/pipelines/<name>/dlq/drain}): cut the backoff. */
    void drainNow() {
        signal.drainNow();
    }

    /** Something changed: records became durable, a send failed, the layer's state moved. */
    void wake() {
        signal.wake();
    }

    private void run() {
        org.slf4j.MDC.put("pipeline", pipeline);
        try {
            while (!stopping) {
                // Read before looking at the window: what completes after this counts toward the next wait.
                long seen = signal.completed();
                settleHead();
                if (retry) {
                    if (allSettled()) {
                        rewind();
                    } else {
                        awaitCompletions(seen, Integer.MAX_VALUE);
                    }
                    continue;
                }
                fill();
                maybeCheckpoint(false);
                if (window.isEmpty()) {
                    idle();
                } else if (!window.peekFirst().settled()) {
                    awaitCompletions(seen, Math.max(1, settings.drainInFlight / 8));
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("pipeline '{}': dlq: drainer failed; spilled events stay on disk until a restart", pipeline, e);
        } finally {
            if (!halted) {
                shutDown();
            }
            cursor.close();
        }
    }

    // ---- acknowledgements

    /**
     * Acknowledges settled records at the head of the window, in order, a run of them per segment at once;
     * quarantines permanent failures.
     */
    private void settleHead() {
        Segment segment = null;
        long end = 0;
        int entries = 0;
        int records = 0;
        int drainedNow = 0;
        while (!window.isEmpty()) {
            InFlight head = window.peekFirst();
            Outcome outcome = head.outcome;
            if (outcome != Outcome.OK && outcome != Outcome.QUARANTINED) {
                if (outcome == Outcome.PERMANENT) {
                    quarantine(head);
                }
                break;
            }
            window.pollFirst();
            if (head.segment != segment) {
                if (segment != null) {
                    ack(segment, end, entries, records, drainedNow);
                }
                segment = head.segment;
                entries = 0;
                records = 0;
                drainedNow = 0;
            }
            end = head.end;
            entries++;
            if (head.record) {
                records++;
                if (outcome == Outcome.OK) {
                    drainedNow++;
                }
            }
        }
        if (segment != null) {
            ack(segment, end, entries, records, drainedNow);
        }
    }

    private void quarantine(InFlight entry) {
        entry.outcome = Outcome.QUARANTINING;
        LOG.warn("pipeline '{}': dlq: the sink rejected event {} while draining ({}); quarantined", pipeline,
                entry.event.getId(), Outcomes.describe(entry.error));
        quarantine.event(entry.event, "drain", entry.error).whenComplete((v, e) -> {
            if (e == null) {
                entry.outcome = Outcome.QUARANTINED;
            } else {
                LOG.error("pipeline '{}': dlq: cannot quarantine event {}: {}; will retry", pipeline,
                        entry.event.getId(), e.toString());
                entry.outcome = Outcome.RETRY;
                failed(entry);
            }
            wake();
        });
    }

    /**
     * Everything of {@code segment} below {@code end} is acknowledged: {@code entries} entries of the window, of
     * which {@code records} records, {@code drainedNow} of them taken by the sink (the others quarantined).
     */
    private void ack(Segment segment, long end, int entries, int records, int drainedNow) {
        log.acked(segment, end, records);
        if (drainedNow > 0) {
            drained.increment(drainedNow);
            healthy = true;
            backoffNanos = settings.backoffInitial.toNanos();
        }
        if (records > 0) {
            progress.done(records, log.depth());
        }
        if (checkpointSegment != segment) {
            checkpointSegment = segment;
            ackedSinceCheckpoint = 0;
        }
        ackedSinceCheckpoint += entries;
        if (ackedSinceCheckpoint >= settings.drainInFlight) {
            maybeCheckpoint(true);
        }
        deleteIfDone(segment);
    }

    private boolean allSettled() {
        for (InFlight entry : window) {
            if (!entry.settled()) {
                return false;
            }
        }
        return true;
    }

    /** A record of the current generation failed retriably: stop sending and rewind once all have settled. */
    private void failed(InFlight entry) {
        if (entry.generation == generation) {
            retry = true;
        }
    }

    /** After a retriable failure: back to the first unacknowledged record, wait, and probe again. */
    private void rewind() {
        generation++;
        retry = false;
        InFlight head = window.peekFirst();
        window.clear();
        healthy = false;
        maybeCheckpoint(true);
        if (head != null) {
            long now = System.nanoTime();
            if (now - lastRefusalLogNanos >= settings.progressInterval.toNanos()) {
                lastRefusalLogNanos = now;
                LOG.info("pipeline '{}': dlq: the sink still refuses events ({}); {} waiting, next drain attempt in"
                        + " {} ms", pipeline, head.error == null ? "log or quarantine not accessible"
                        : Outcomes.describe(head.error), log.depth(), TimeUnit.NANOSECONDS.toMillis(backoffNanos));
            }
            try {
                cursor.seek(head.segment, head.offset);
            } catch (IOException e) {
                LOG.error("pipeline '{}': dlq: cannot open {}: {}", pipeline, head.segment, e.toString());
                window.add(stuck(head.segment, head.offset));
                retry = true;
            }
        }
        sleep(backoffNanos);
        backoffNanos = Math.min(backoffNanos * 2, settings.backoffMax.toNanos());
    }

    // ---- sending

    /** Reads and sends records while the window has room: one while probing, {@code drain.in-flight} after. */
    private void fill() {
        int limit = healthy ? settings.drainInFlight : 1;
        while (window.size() < limit && !stopping && !retry) {
            SegmentReader.Item item;
            try {
                item = cursor.next(this::deleteIfDone);
            } catch (IOException e) {
                Segment segment = cursor.segment();
                LOG.error("pipeline '{}': dlq: cannot read {}: {}", pipeline, segment, e.toString());
                window.add(stuck(segment, cursor.position()));
                retry = true;
                return;
            }
            if (item == null) {
                return;
            }
            if (item.corrupt()) {
                window.add(corrupt(item));
            } else {
                send(item);
            }
        }
    }

    private InFlight corrupt(SegmentReader.Item item) {
        Segment segment = cursor.segment();
        InFlight entry = new InFlight(segment, item.offset, item.end, false, null, generation);
        try {
            quarantine.corrupt(segment.name(), cursor.channel(), item.offset, item.end, item.problem);
            entry.outcome = Outcome.OK;
        } catch (IOException | RuntimeException e) {
            LOG.error("pipeline '{}': dlq: cannot quarantine {} corrupt bytes of {} at offset {}: {}", pipeline,
                    item.end - item.offset, segment, item.offset, e.toString());
            entry.outcome = Outcome.RETRY;
            retry = true;
        }
        return entry;
    }

    private void send(SegmentReader.Item item) {
        Segment segment = cursor.segment();
        CloudEvent event;
        try {
            event = codec.decode(item.version, item.buffer, item.payloadOffset, item.payloadLength);
        } catch (RuntimeException e) {
            InFlight entry = new InFlight(segment, item.offset, item.end, true, null, generation);
            entry.outcome = Outcome.QUARANTINING;
            window.add(entry);
            LOG.warn("pipeline '{}': dlq: record in {} at offset {} is intact but not a CloudEvent; quarantined",
                    pipeline, segment, item.offset);
            quarantine.undecodable(segment.name(), item.offset, item.version, item.buffer, item.payloadOffset,
                    item.payloadLength, e).whenComplete((v, err) -> {
                        entry.outcome = err == null ? Outcome.QUARANTINED : Outcome.RETRY;
                        if (err != null) {
                            failed(entry);
                        }
                        wake();
                    });
            return;
        }
        InFlight entry = new InFlight(segment, item.offset, item.end, true, event, generation);
        window.add(entry);
        started++;
        CompletionStage<Void> stage;
        try {
            stage = inner.emit(event);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("sink returned no stage"));
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        stage.whenComplete((v, error) -> {
            if (error == null) {
                entry.outcome = Outcome.OK;
                signal.sendCompleted();
                return;
            }
            Throwable cause = Outcomes.unwrap(error);
            entry.error = cause;
            if (Outcomes.retriable(cause)) {
                entry.outcome = Outcome.RETRY;
                failed(entry);
            } else {
                entry.outcome = Outcome.PERMANENT;
            }
            signal.sendCompleted();
            wake();
        });
    }

    /** @return an entry that makes the drainer back off and come back to {@code offset} */
    private InFlight stuck(Segment segment, long offset) {
        InFlight entry = new InFlight(segment, offset, offset, false, null, generation);
        entry.outcome = Outcome.RETRY;
        return entry;
    }

    // ---- the log's end

    /** Nothing in flight: switch the layer back to pass-through if the log is empty, and delete what is done. */
    private void idle() {
        maybeCheckpoint(true);
        if (log.outstanding() == 0 && resume.getAsBoolean()) {
            progress.finished();
            healthy = false;
            backoffNanos = settings.backoffInitial.toNanos();
            // The layer sealed the segment being written; it is all acknowledged.
            Segment current = cursor.segment();
            if (current != null) {
                deleteIfDone(current);
            }
        }
        await(IDLE_NANOS);
    }

    private void deleteIfDone(Segment segment) {
        if (segment.deleted || !segment.sealed || segment.ackedEnd != segment.durableEnd || !cursor.past(segment)) {
            return;
        }
        try {
            log.delete(segment);
        } catch (IOException e) {
            LOG.warn("pipeline '{}': dlq: cannot delete drained segment {}: {}", pipeline, segment, e.toString());
        }
        if (checkpointSegment == segment) {
            checkpointSegment = null;
            ackedSinceCheckpoint = 0;
        }
    }

    private void maybeCheckpoint(boolean due) {
        Segment segment = checkpointSegment;
        if (segment == null || segment.deleted || ackedSinceCheckpoint == 0) {
            return;
        }
        long now = System.nanoTime();
        if (!due && now - lastCheckpointNanos < settings.checkpointInterval.toNanos()) {
            return;
        }
        try {
            segment.writeCheckpoint(segment.ackedEnd);
        } catch (IOException e) {
            LOG.warn("pipeline '{}': dlq: cannot write the checkpoint of {}: {}", pipeline, segment, e.toString());
        }
        ackedSinceCheckpoint = 0;
        lastCheckpointNanos = now;
    }

    // ---- waiting

    /** Waits for {@link #wake} at most {@code nanos}. */
    private void await(long nanos) {
        try {
            signal.await(nanos);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    /**
     * Waits for {@code batch} of the sends in flight (or all of them) to complete, for {@link #wake}, or 100 ms.
     *
     * @param seen the signal's completion count when the window was last looked at
     */
    private void awaitCompletions(long seen, int batch) {
        try {
            signal.awaitCompletions(seen, started, batch, BUSY_NANOS);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    /** Waits out a backoff; only {@link #stop} and {@link #drainNow} cut it short. */
    private void sleep(long nanos) {
        try {
            if (signal.sleep(nanos, () -> stopping)) {
                backoffNanos = settings.backoffInitial.toNanos();
            }
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    // ---- stopping

    /** On close: waits (bounded) for the records in flight, acknowledges what it can and writes the checkpoint. */
    private void shutDown() {
        long deadline = System.nanoTime() + settings.closeTimeout.toNanos();
        while (true) {
            long seen = signal.completed();
            settleHead();
            if (window.isEmpty() || allSettled() && window.peekFirst().outcome == Outcome.RETRY) {
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warn("pipeline '{}': dlq: {} drained event(s) still in flight at close; they are sent again at"
                        + " the next start", pipeline, window.size());
                break;
            }
            try {
                signal.awaitCompletions(seen, started, Integer.MAX_VALUE, Math.min(BUSY_NANOS, left));
            } catch (InterruptedException e) {
                break;
            }
        }
        window.clear();
        maybeCheckpoint(true);
    }

    /** Stops sending; waits at most {@code close-timeout} for the records in flight, then closes. */
    void stop(Duration timeout) {
        stopping = true;
        wake();
        try {
            thread.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once, as a crash would: no checkpoint. For tests. */
    void halt() {
        halted = true;
        stopping = true;
        wake();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
