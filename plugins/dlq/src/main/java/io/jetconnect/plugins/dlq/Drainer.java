package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.jetconnect.plugins.dlq.DrainEntry.Status;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.Outcome;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.delivery.OrderedWindow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the spill log into the wrapped sink, in log order, in passes on the layer's serial executor
 * ({@link WorkLoop}): a pass runs while there is something to send or settle, and ends when the log is drained or a
 * backoff starts, so that neither an idle layer nor one waiting out a broker outage holds a thread.
 *
 * <ul>
 *   <li><b>Probe</b>: while the sink is not known to take events, only the oldest unacknowledged record is sent;
 *       after each retriable failure the drainer waits ({@code drain.backoff}: {@code initial}, growing by
 *       {@code multiplier} up to {@code max}) and sends it again.</li>
 *   <li><b>Pipeline</b>: once a probe succeeds, up to {@code drain.in-flight} records are in flight at once, sent in
 *       order from this one thread. Acknowledgements advance through the log in order, a run per segment at once
 *       ({@link Checkpointer}). With the window full, the thread waits for an eighth of it to complete and refills
 *       that much at once ({@link DrainerSignal}).</li>
 *   <li><b>Rewind</b>: when a record fails retriably, nothing more is sent; once every record in flight has
 *       completed, the drainer goes back to the first unacknowledged record and probes again. Records after it that
 *       the sink did take are sent again: the {@code jetstream} sink deduplicates them by event id.</li>
 *   <li><b>Permanent failures</b> of a drained record send it to the quarantine once it is the oldest record not
 *       acknowledged, so the quarantine keeps log order; it counts as handled once its line is written. One that
 *       failed behind a retriable failure is sent again after the rewind instead. Corrupt ranges met on the way are
 *       quarantined (once: a range found at startup is not copied twice).</li>
 *   <li><b>Empty</b>: when nothing is left, it asks the layer to switch back to pass-through, which the layer does
 *       only if nothing was spilled meanwhile.</li>
 * </ul>
 *
 * <p>The order is kept by an {@link OrderedWindow} beside this thread's queue of {@link DrainEntry entries}: a send
 * settles its delivery from the sink's thread, a retriable failure fences the window, and a rewind waits until
 * every delivery has settled. So no failure of a record sent before a rewind can arrive after it and cause another.
 */
final class Drainer {

    private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SpillLog log;
    private final EventSink inner;
    private final Quarantine quarantine;
    private final RecordCodec codec;
    private final DlqSettings settings;
    private final PluginMetrics.Counter drained;
    private final BooleanSupplier resume;
    private final BooleanSupplier spilling;
    private final String pipeline;
    private final WorkLoop loop;
    /** Counted down once the last pass has shut the drainer down. */
    private final CountDownLatch done = new CountDownLatch(1);

    private final DrainerSignal signal = new DrainerSignal();
    private final OrderedWindow window;
    private volatile boolean stopping;
    private volatile boolean halted;

    // Owned by the drainer's passes, which run one at a time.
    /** The entries past the window's floor, oldest first: the window's deliveries, one for one. */
    private final ArrayDeque<DrainEntry> queue = new ArrayDeque<>();
    private final LogCursor cursor;
    private final Checkpointer checkpointer;
    private boolean healthy;
    /** Drain attempts failed in a row: how far along {@code drain.backoff} the next wait is. */
    private int failedAttempts;
    /** Sends started, for {@link DrainerSignal#awaitCompletions}. */
    private long started;
    /** The window's positions: entries tracked so far. */
    private long tracked;
    private long lastRefusalLogNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /** A backoff is being waited out, until {@link #backoffUntil}. */
    private boolean backingOff;
    private long backoffUntil;

    Drainer(SpillLog log, EventSink inner, Quarantine quarantine, RecordCodec codec, DlqSettings settings,
            PluginMetrics.Counter drained, BooleanSupplier resume, BooleanSupplier spilling,
            ScheduledExecutorService executor) {
        this.log = log;
        this.inner = inner;
        this.quarantine = quarantine;
        this.codec = codec;
        this.settings = settings;
        this.drained = drained;
        this.resume = resume;
        this.spilling = spilling;
        this.pipeline = log.pipeline;
        this.window = new OrderedWindow(settings.drainInFlight, 0);
        this.cursor = new LogCursor(log, codec);
        this.checkpointer = new Checkpointer(log, cursor, settings);
        this.loop = new WorkLoop(executor, this::pass);
    }

    void start() {
        loop.request();
    }

    /** The operator asked for a drain attempt now ({@code POST /v1/pipelines/<name>/dlq/drain}): cut the backoff. */
    void drainNow() {
        signal.drainNow();
        loop.request();
    }

    /** Something changed: records became durable, a send failed, the layer's state moved. */
    void wake() {
        signal.wake();
        loop.request();
    }

    /** Sends and settles until the log is drained, a backoff starts or the drainer stops. */
    private void pass() {
        if (done.getCount() == 0) {
            return;
        }
        try {
            if (inBackoff()) {
                return;
            }
            while (!stopping) {
                // Read before looking at the window: what completes after this counts toward the next wait.
                long seen = signal.completed();
                settleHead();
                if (window.fenced()) {
                    resendPermanentFailures();
                    if (window.quiescent()) {
                        if (rewind()) {
                            return;
                        }
                    } else {
                        awaitCompletions(seen, Integer.MAX_VALUE);
                    }
                    continue;
                }
                fill();
                checkpointer.checkpoint(false);
                if (queue.isEmpty()) {
                    idle();
                    return;
                } else if (queue.peekFirst().waiting()) {
                    awaitCompletions(seen, Math.max(1, settings.drainInFlight / 8));
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("pipeline '{}': dlq: drainer failed; spilled events stay on disk until a restart", pipeline, e);
        }
        try {
            if (!halted) {
                shutDown();
            }
        } finally {
            cursor.close();
            done.countDown();
        }
    }

    /**
     * @return whether a backoff is still being waited out (the next pass is then asked for at its end); the drain
     *     action and stopping cut it short
     */
    private boolean inBackoff() {
        if (!backingOff) {
            return false;
        }
        if (signal.takeDrainNow()) {
            failedAttempts = 0;
            backingOff = false;
            return false;
        }
        long left = backoffUntil - System.nanoTime();
        if (stopping || left <= 0) {
            backingOff = false;
            return false;
        }
        loop.requestIn(left);
        return true;
    }

    // ---- acknowledgements

    /**
     * Acknowledges the entries the window's floor moved over, in order; starts quarantining the oldest entry left if
     * it failed permanently.
     */
    private void settleHead() {
        int moved = window.advance();
        for (int i = 0; i < moved; i++) {
            DrainEntry done = queue.pollFirst();
            checkpointer.ack(done.segment, done.end, done.record, done.record && done.status == Status.OK);
        }
        int drainedNow = checkpointer.flush();
        if (drainedNow > 0) {
            drained.increment(drainedNow);
            healthy = true;
            failedAttempts = 0;
        }
        DrainEntry head = queue.peekFirst();
        if (head != null && head.rejected()) {
            quarantine(head);
        }
    }

    /** Quarantines the oldest unacknowledged entry, which failed for good; it is settled once the line is written. */
    private void quarantine(DrainEntry entry) {
        CompletableFuture<Void> written;
        try {
            if (entry.status == Status.UNDECODABLE) {
                LOG.warn("pipeline '{}': dlq: record in {} at offset {} is intact but not a CloudEvent; quarantined",
                        pipeline, entry.segment, entry.offset);
                written = quarantine.undecodable(entry.segment.name(), entry.offset, entry.version, entry.payload,
                        0, entry.payload.length, entry.error);
            } else {
                LOG.warn("pipeline '{}': dlq: the sink rejected event {} while draining ({}); quarantined",
                        pipeline, entry.event.getId(), Outcome.describe(entry.error));
                written = quarantine.event(entry.event, "drain", entry.error);
            }
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        entry.status = Status.QUARANTINING;
        long ticket = entry.ticket;
        written.whenComplete((v, e) -> {
            if (e == null) {
                entry.status = Status.QUARANTINED;
                window.succeed(ticket);
            } else {
                LOG.error("pipeline '{}': dlq: cannot quarantine the record in {} at offset {}: {}; will retry",
                        pipeline, entry.segment, entry.offset, e.toString());
                entry.status = Status.RETRY;
                window.fail(ticket);
            }
            wake();
        });
    }

    /**
     * Behind a retriable failure, a record that failed for good is not quarantined out of order: its delivery
     * fails too, so that the window can rewind, and it is sent again (and fails again) in its turn.
     */
    private void resendPermanentFailures() {
        for (DrainEntry entry : queue) {
            if (entry.rejected()) {
                entry.status = Status.RESEND;
                window.fail(entry.ticket);
            }
        }
    }

    /**
     * After a retriable failure, with every delivery settled: back to the first unacknowledged record, wait, probe.
     *
     * @return whether the wait goes on after this pass
     */
    private boolean rewind() {
        // Deliveries that succeeded since the last look: nothing is pending, so none can settle after this.
        settleHead();
        DrainEntry head = queue.peekFirst();
        int forgotten = window.rewind();
        if (forgotten != queue.size()) {
            throw new IllegalStateException("the window forgot " + forgotten + " deliveries, the queue holds "
                    + queue.size());
        }
        queue.clear();
        healthy = false;
        checkpointer.checkpoint(true);
        long wait = settings.drainBackoff.delayNanos(failedAttempts);
        if (head != null) {
            long now = System.nanoTime();
            if (now - lastRefusalLogNanos >= settings.progressInterval.toNanos()) {
                lastRefusalLogNanos = now;
                LOG.info("pipeline '{}': dlq: the sink still refuses events ({}); {} waiting, next drain attempt in"
                        + " {} ms", pipeline, head.error == null ? "log or quarantine not accessible"
                        : Outcome.describe(head.error), log.depth(), TimeUnit.NANOSECONDS.toMillis(wait));
            }
            try {
                cursor.seek(head.segment, head.offset);
            } catch (IOException e) {
                LOG.error("pipeline '{}': dlq: cannot open {}: {}", pipeline, head.segment, e.toString());
                stuck(head.segment, head.offset);
            }
        }
        // Counted before the wait: a drain action that cuts it short starts the count again, and stays so.
        failedAttempts = Math.max(failedAttempts, failedAttempts + 1); // saturates
        backingOff = true;
        backoffUntil = System.nanoTime() + wait;
        return inBackoff();
    }

    // ---- sending

    /** Reads and sends records while the window has room: one while probing, {@code drain.in-flight} after. */
    private void fill() {
        int limit = healthy ? settings.drainInFlight : 1;
        while (queue.size() < limit && window.hasRoom() && !stopping) {
            SegmentReader.Item item;
            try {
                item = cursor.next(checkpointer::deleteIfDone);
            } catch (IOException e) {
                Segment segment = cursor.segment();
                LOG.error("pipeline '{}': dlq: cannot read {}: {}", pipeline, segment, e.toString());
                stuck(segment, cursor.position());
                return;
            }
            if (item == null) {
                return;
            }
            if (item.corrupt()) {
                corrupt(item);
            } else {
                send(item);
            }
        }
    }

    /**
     * Puts an entry at the head of the window.
     *
     * @return false if a send failed since the window last had room: the entry is dropped, and the rewind that
     *     follows reads it again
     */
    private boolean track(DrainEntry entry) {
        try {
            entry.ticket = window.submit(++tracked);
        } catch (IllegalStateException e) {
            if (window.fenced()) {
                return false;
            }
            throw e;
        }
        queue.add(entry);
        return true;
    }

    private void corrupt(SegmentReader.Item item) {
        Segment segment = cursor.segment();
        DrainEntry entry = new DrainEntry(segment, item.offset(), item.end(), false, null);
        if (!track(entry)) {
            return;
        }
        try {
            quarantine.corrupt(segment.name(), cursor.channel(), item.offset(), item.end(), item.problem());
            entry.status = Status.OK;
            window.succeed(entry.ticket);
        } catch (IOException | RuntimeException e) {
            LOG.error("pipeline '{}': dlq: cannot quarantine {} corrupt bytes of {} at offset {}: {}", pipeline,
                    item.end() - item.offset(), segment, item.offset(), e.toString());
            entry.status = Status.RETRY;
            window.fail(entry.ticket);
        }
    }

    private void send(SegmentReader.Item item) {
        Segment segment = cursor.segment();
        CloudEvent event;
        try {
            event = codec.decode(item.version(), item.buffer(), item.payloadOffset(), item.payloadLength());
        } catch (RuntimeException e) {
            DrainEntry entry = new DrainEntry(segment, item.offset(), item.end(), true, null);
            entry.error = e;
            entry.version = item.version();
            entry.payload = Arrays.copyOfRange(item.buffer(), item.payloadOffset(),
                    item.payloadOffset() + item.payloadLength());
            entry.status = Status.UNDECODABLE;
            track(entry);
            return;
        }
        DrainEntry entry = new DrainEntry(segment, item.offset(), item.end(), true, event);
        if (!track(entry)) {
            return;
        }
        long ticket = entry.ticket;
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
                entry.status = Status.OK;
                window.succeed(ticket);
                signal.sendCompleted();
                return;
            }
            entry.error = Outcome.unwrap(error);
            if (Outcome.of(error).retriable()) {
                entry.status = Status.RETRY;
                window.fail(ticket);
            } else {
                // Settled once quarantined in its turn, or failed to be sent again behind a retriable failure.
                entry.status = Status.PERMANENT;
            }
            signal.sendCompleted();
            wake();
        });
    }

    /** Makes the drainer back off and come back to {@code offset}, as a retriable failure there would. */
    private void stuck(Segment segment, long offset) {
        DrainEntry entry = new DrainEntry(segment, offset, offset, false, null);
        if (track(entry)) {
            entry.status = Status.RETRY;
            window.fail(entry.ticket);
        }
    }

    // ---- the log's end

    /**
     * Nothing in flight: switch the layer back to pass-through if the log is empty, and delete what is done. While
     * the layer spills, look again in a second; in pass-through the next spill wakes the drainer.
     */
    private void idle() {
        checkpointer.checkpoint(true);
        if (log.outstanding() == 0 && resume.getAsBoolean()) {
            checkpointer.finished();
            healthy = false;
            failedAttempts = 0;
            // The layer sealed the segment being written; it is all acknowledged.
            Segment current = cursor.segment();
            if (current != null) {
                checkpointer.deleteIfDone(current);
            }
        }
        if (log.outstanding() != 0 || spilling.getAsBoolean()) {
            loop.requestIn(IDLE_NANOS);
        }
    }

    // ---- waiting

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

    // ---- stopping

    /** On close: waits (bounded) for the records in flight, acknowledges what it can and writes the checkpoint. */
    private void shutDown() {
        long deadline = System.nanoTime() + settings.closeTimeout.toNanos();
        while (true) {
            long seen = signal.completed();
            settleHead();
            if (queue.isEmpty()) {
                break;
            }
            if (window.fenced()) {
                // Nothing past a failure can be acknowledged: stop once nothing else can change.
                resendPermanentFailures();
                if (window.quiescent()) {
                    break;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warn("pipeline '{}': dlq: {} drained event(s) still in flight at close; they are sent again at"
                        + " the next start", pipeline, queue.size());
                break;
            }
            try {
                signal.awaitCompletions(seen, started, Integer.MAX_VALUE, Math.min(BUSY_NANOS, left));
            } catch (InterruptedException e) {
                break;
            }
        }
        queue.clear();
        checkpointer.checkpoint(true);
    }

    /** Stops sending; waits at most {@code close-timeout} for the records in flight, then closes. */
    void stop(Duration timeout) {
        stopping = true;
        wake();
        awaitDone(timeout.toMillis() + 1000);
    }

    /** Stops at once, as a crash would: no checkpoint. For tests. */
    void halt() {
        halted = true;
        stopping = true;
        wake();
        awaitDone(5000);
    }

    private void awaitDone(long millis) {
        try {
            done.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdown();
    }
}
