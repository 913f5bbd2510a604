package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.PluginMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill log: an ordered list of {@link Segment} files in {@code <data-dir>/<pipeline>/dlq/}. Producers reserve
 * room ({@link #reserve}, bounded by {@code max-bytes}) and {@link #append} framed records, which the
 * {@link LogWriter} writes in batches and completes once they are fsynced; the {@link Drainer} reads
 * durable records from the oldest segment on, reports acknowledgements ({@link #acked}) and deletes segments whose
 * records are all acknowledged.
 *
 * <p>Accounting: {@link #bytes()} is the size of the segment files, {@link #depth()} the durable records not yet
 * drained, {@link #outstanding()} every record reserved or recovered that is neither drained nor refused: the layer
 * may switch back to pass-through only when it is zero. The age of the oldest record comes from time marks the
 * writer leaves at most once a second (and, after a restart, from the creation time in the segment's name), so it
 * is an overestimate by at most a second (or by how long the oldest recovered segment was written to).
 *
 * <p>Thread-safe. Lock order: the sink's lock, then {@link #writeLock}, then this log's monitor (room and refusals),
 * the writer's queue, the monitors of the segment list and of the marks.
 */
final class SpillLog {

    private static final Logger LOG = LoggerFactory.getLogger(SpillLog.class);
    private static final long MARK_EVERY_MILLIS = 1000;

    /** One framed record on its way to disk; {@link #done} completes when it is durable. */
    static final class Append {
        final byte[] frame;
        final String eventId;
        /** The event's ordering key and identity, for {@link RefusedEvents}. */
        final String key;
        final String identity;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Set by the writer once the frame's bytes count as disk bytes instead of queued ones. */
        boolean staged;
        /** The writer's failure count when room was reserved; set by {@link #reserve}. */
        long failures;
        /** {@link RefusedEvents#ticket} when the event was taken (by {@link #reserve}, or on its way through). */
        long ticket;

        Append(byte[] frame, String eventId, String key, String identity) {
            this.frame = frame;
            this.eventId = eventId;
            this.key = key;
            this.identity = identity;
        }

        /** For tests: an event of the one key, identified by its id. */
        Append(byte[] frame, String eventId) {
            this(frame, eventId, "", eventId);
        }
    }

    /** What {@link #reserve} did. */
    enum Reservation {
        TAKEN,
        /** No room within max-bytes: the event is refused, and owed. */
        FULL,
        /** Its key owes events refused before it: the event is refused, so as not to overtake them. */
        BEHIND_REFUSED
    }

    private record Mark(long segmentId, long offset, long millis) {
    }

    final Path dir;
    final DlqSettings settings;
    final FileOps files;
    final String pipeline;
    final ReentrantLock writeLock = new ReentrantLock();
    /** The segment being appended to; guarded by {@link #writeLock}. */
    Segment active;
    /** Guarded by {@link #writeLock}. */
    private long nextId;

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private final AtomicLong diskBytes = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong depth = new AtomicLong();
    private final PluginMetrics.Counter spilled;
    private final PluginMetrics.Counter refusedIo;
    private final PluginMetrics.Counter refusedClosed;
    private final PluginMetrics.Counter refusedOrder;
    private final LogWriter writer;
    private volatile Runnable listener = () -> { };

    SpillLog(Path dir, DlqSettings settings, FileOps files, String pipeline, SegmentScanner.Result recovered,
             DlqMetrics metrics, java.util.concurrent.ScheduledExecutorService writerExecutor) {
        this.dir = dir;
        this.settings = settings;
        this.files = files;
        this.pipeline = pipeline;
        this.spilled = metrics.spilled;
        this.refusedIo = metrics.refused("io");
        this.refusedClosed = metrics.refused("closed");
        this.refusedOrder = metrics.refused("order");
        this.refusals = new RefusedEvents(settings.owedPatience.toNanos());
        this.nextId = recovered.nextId();
        for (SegmentScanner.Recovered r : recovered.segments()) {
            Segment segment = r.segment();
            segments.add(segment);
            marks.add(new Mark(segment.id, segment.ackedEnd, segment.createdMillis));
            diskBytes.addAndGet(segment.size);
            outstanding.addAndGet(r.records());
            depth.addAndGet(r.records());
        }
        this.writer = new LogWriter(this, writerExecutor);
    }

    /** @param listener called (on the writer's or the drainer's thread) whenever records become durable */
    void listener(Runnable listener) {
        this.listener = listener;
    }

    // ---- producers

    /** Events refused and not yet offered again, per ordering key. */
    final RefusedEvents refusals;

    /**
     * Reserves room for a record if the log stays within {@code max-bytes} and its key owes no refused event
     * (unless {@code fenced} is false: an event that already passed the fence on its way to the wrapped sink).
     * Every successful reservation must be followed by {@link #append}. A record reserved before a write fails, or
     * before an event of its key is refused, is refused when appended after it.
     */
    synchronized Reservation reserve(Append append, boolean fenced) {
        int bytes = append.frame.length;
        long now = System.nanoTime();
        // Read before the fence: a failed write makes its records owed first, then counts the failure, so a record
        // that reads the new count finds them owed, and one that reads the old count is refused when offered.
        append.failures = writer.failures();
        if (fenced) {
            long ticket = refusals.isEmpty() ? refusals.ticket() : refusals.admit(append.key, append.identity, now);
            if (ticket < 0) {
                return Reservation.BEHIND_REFUSED;
            }
            append.ticket = ticket;
        }
        if (diskBytes.get() + queuedBytes.get() + bytes > settings.maxBytes) {
            refusals.refusedAfterTaken(append.key, append.identity, append.ticket, now);
            return Reservation.FULL;
        }
        queuedBytes.addAndGet(bytes);
        outstanding.incrementAndGet();
        return Reservation.TAKEN;
    }

    /** For tests: {@link #reserve(Append, boolean)} behind the fence; whether room was taken. */
    boolean reserve(Append append) {
        return reserve(append, true) == Reservation.TAKEN;
    }

    /** Hands a reserved record to the writer; its stage completes once it is durable, or fails with backpressure. */
    void append(Append append) {
        switch (writer.offer(append)) {
            case QUEUED -> { }
            case AFTER_FAILURE -> failedToWrite(append);
            case BEHIND_REFUSED -> {
                refusedOrder.increment();
                refused(append, new BackpressureException("dlq of pipeline '" + pipeline + "' refused an earlier "
                        + "event of the same subject while this one waited; send them again in order",
                        settings.retryAfter));
            }
            case CLOSED -> {
                refusedClosed.increment();
                refused(append, new BackpressureException("dlq of pipeline '" + pipeline + "' is closed",
                        settings.retryAfter));
            }
        }
    }

    /**
     * The writer failed to write or sync these records: their keys owe them from now on. Called on the writer's
     * thread before the failure is counted and before the refused records' stages complete.
     */
    void writeFailed(java.util.List<Append> failed) {
        long now = System.nanoTime();
        for (Append append : failed) {
            refusals.refusedAfterTaken(append.key, append.identity, append.ticket, now);
        }
    }

    /** Fails a reserved record the writer could not write, and gives its room back. */
    void failedToWrite(Append append) {
        refusedIo.increment();
        refused(append, new BackpressureException("dlq of pipeline '" + pipeline + "' cannot write its spill log",
                settings.retryAfter));
    }

    /** Fails a reserved record and gives its room back; its key owes it until it is offered again. */
    void refused(Append append, Throwable error) {
        refusals.refusedAfterTaken(append.key, append.identity, append.ticket, System.nanoTime());
        if (!append.staged) {
            queuedBytes.addAndGet(-append.frame.length);
        }
        outstanding.decrementAndGet();
        append.done.completeExceptionally(error);
        listener.run();
    }

    // ---- the writer, under writeLock

    Segment newSegment() throws IOException {
        Segment segment = new Segment(dir, nextId, System.currentTimeMillis());
        segment.channel = files.create(segment.path);
        nextId++;
        files.forceDirectory(dir);
        synchronized (segments) {
            segments.add(segment);
        }
        return segment;
    }

    void staged(Append append) {
        append.staged = true;
        diskBytes.addAndGet(append.frame.length);
        queuedBytes.addAndGet(-append.frame.length);
    }

    void truncated(long bytes) {
        diskBytes.addAndGet(-bytes);
    }

    /** Records {@code records} records from {@code from} on in {@code segment} as durable. */
    void published(Segment segment, long from, int records) {
        long now = System.currentTimeMillis();
        boolean wasEmpty = depth.getAndAdd(records) == 0;
        synchronized (marks) {
            if (wasEmpty) {
                marks.clear();
            }
            Mark last = marks.peekLast();
            if (last == null || now - last.millis() >= MARK_EVERY_MILLIS) {
                marks.add(new Mark(segment.id, from, now));
            }
        }
        spilled.increment(records);
    }

    void notifyListener() {
        listener.run();
    }

    // ---- the drainer

    /** @return the oldest segment not yet deleted, or null */
    Segment first() {
        synchronized (segments) {
            return segments.peekFirst();
        }
    }

    /** @return the segment after {@code segment}, or null */
    Segment after(Segment segment) {
        synchronized (segments) {
            Iterator<Segment> it = segments.iterator();
            while (it.hasNext()) {
                if (it.next() == segment) {
                    return it.hasNext() ? it.next() : null;
                }
            }
            return segments.peekFirst();
        }
    }

    /** Every record of {@code segment} below {@code end} is acknowledged; {@code records} of them are new. */
    void acked(Segment segment, long end, int records) {
        segment.ackedEnd = end;
        if (records == 0) {
            return;
        }
        outstanding.addAndGet(-records);
        depth.addAndGet(-records);
        synchronized (marks) {
            while (marks.size() > 1) {
                Iterator<Mark> it = marks.iterator();
                it.next();
                Mark second = it.next();
                if (second.segmentId() < segment.id || second.segmentId() == segment.id && second.offset() <= end) {
                    marks.pollFirst();
                } else {
                    break;
                }
            }
        }
    }

    /** Deletes a sealed segment whose records are all acknowledged, and its checkpoint. */
    void delete(Segment segment) throws IOException {
        synchronized (segments) {
            if (segment.deleted) {
                return;
            }
            Files.deleteIfExists(segment.path);
            Files.deleteIfExists(segment.checkpointPath);
            segment.deleted = true;
            segments.remove(segment);
        }
        diskBytes.addAndGet(-segment.size);
        LOG.debug("pipeline '{}': dlq: deleted drained segment {}", pipeline, segment);
    }

    /**
     * Seals the segment being written if all of it is acknowledged, so that the drainer deletes it; the next
     * record goes to a new segment.
     */
    void sealIfConsumed() {
        writeLock.lock();
        try {
            Segment segment = active;
            if (segment != null && segment.writtenEnd == segment.ackedEnd) {
                writer.seal(segment);
            }
        } catch (IOException e) {
            // Cannot happen: a fully acknowledged segment has nothing left to sync.
            LOG.warn("pipeline '{}': dlq: cannot seal {}: {}", pipeline, active, e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    // ---- state

    long bytes() {
        return diskBytes.get();
    }

    long depth() {
        return depth.get();
    }

    long outstanding() {
        return outstanding.get();
    }

    double oldestAgeSeconds() {
        if (depth.get() <= 0) {
            return 0;
        }
        Mark head;
        synchronized (marks) {
            head = marks.peekFirst();
        }
        return head == null ? 0 : Math.max(0, System.currentTimeMillis() - head.millis()) / 1000.0;
    }

    /** Writes what is queued (waiting at most {@code timeout}), then closes the segment being written. */
    void close(Duration timeout) {
        writer.stop(timeout);
    }

    /** Stops the writer at once, as a crash would: nothing more is written or completed. For tests. */
    void halt() {
        writer.halt();
    }
}
