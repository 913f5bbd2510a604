package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group commit of the spill log, in passes on the layer's serial executor ({@link WorkLoop}: no thread while
 * nothing is queued or waits for its sync): takes every record queued since its last pass as one batch, writes them to the segment being written (rolling to a new one at {@code segment-bytes}), makes them
 * durable according to {@code fsync} (after each record, once per batch, or once every {@code fsync-interval}),
 * publishes them to the drainer and only then completes their stages, outside any lock.
 *
 * <p>When writing or syncing fails (a full disk), every record not yet durable fails with a
 * {@link BackpressureException} and gives its room back, and so does every record queued behind them or reserved
 * before the failure and queued after it (all emitted after a refused one); the segment is truncated to its durable
 * end (or sealed there if even that fails) and the writer carries on with the next batch: nothing that failed is
 * acknowledged, and nothing emitted after it is stored.
 */
final class LogWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int MAX_BATCH = 4096;
    private static final int STAGING_BYTES = 1 << 20;

    private final SpillLog log;
    private final DlqSettings.Fsync mode;
    private final long intervalNanos;
    private final LinkedBlockingQueue<SpillLog.Append> queue = new LinkedBlockingQueue<>();
    private final WorkLoop loop;
    /** Counted down once the writer has shut down after {@link #stop}. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /**
     * Direct staging buffers the writers of every pipeline borrow for a pass and give back, flushed, at its end: a
     * megabyte of direct memory per pipeline (a thousand pipelines, a gigabyte) was the first thing a runtime with
     * many pipelines ran out of. Writers busy at once need one each; a few spare ones are kept.
     */
    private static final java.util.concurrent.ArrayBlockingQueue<ByteBuffer> SPARE_STAGING =
            new java.util.concurrent.ArrayBlockingQueue<>(8);
    /** Borrowed while a pass stages records; null between passes. Writer, under the write lock. */
    private ByteBuffer staging;
    /** Written to the active segment and not yet synced. Writer thread (and sealers under the write lock). */
    private final List<SpillLog.Append> unsynced = new ArrayList<>();
    /** Durable, to complete once the write lock is released. */
    private final List<SpillLog.Append> durable = new ArrayList<>();
    /** Failed, to complete once the write lock is released. */
    private final List<SpillLog.Append> failed = new ArrayList<>();
    private long nextSyncNanos;
    private volatile boolean stopping;
    private volatile boolean halted;
    /** Set under the queue's lock once nothing more is taken. */
    private boolean closed;
    /** Failed writes or syncs so far; incremented under the queue's lock, with the queue emptied. */
    private volatile long failures;

    LogWriter(SpillLog log, ScheduledExecutorService executor) {
        this.log = log;
        this.mode = log.settings.fsync;
        this.intervalNanos = log.settings.fsyncInterval.toNanos();
        this.loop = new WorkLoop(executor, this::pass);
    }

    /** What {@link #offer} did with a record. */
    enum Offer {
        QUEUED,
        /** Reserved before a write failed, so emitted after a refused record: to refuse too. */
        AFTER_FAILURE,
        /** Taken after an event of its key that was refused since: to refuse too. */
        BEHIND_REFUSED,
        CLOSED
    }

    /** @return the number of failed writes or syncs so far */
    long failures() {
        return failures;
    }

    Offer offer(SpillLog.Append append) {
        synchronized (queue) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (append.failures != failures) {
                return Offer.AFTER_FAILURE;
            }
            if (!log.refusals.isEmpty() && log.refusals.behindHead(append.key, append.ticket)) {
                return Offer.BEHIND_REFUSED;
            }
            queue.add(append);
        }
        loop.request();
        return Offer.QUEUED;
    }

    /**
     * Writes and syncs until nothing is queued and no sync is due; then asks for the next pass when the interval's
     * sync falls due. After {@link #stop}, shuts down once idle (or at once if interrupted).
     */
    private void pass() {
        if (halted) {
            return;
        }
        List<SpillLog.Append> batch = new ArrayList<>();
        boolean interrupted = false;
        while (!halted) {
            queue.drainTo(batch, MAX_BATCH);
            boolean syncDue = syncDue();
            if (batch.isEmpty() && !syncDue) {
                break;
            }
            log.writeLock.lock();
            try {
                if (!batch.isEmpty()) {
                    write(batch);
                    batch.clear();
                }
                if (syncDue()) {
                    syncOrFail();
                }
                releaseStaging();
            } finally {
                log.writeLock.unlock();
            }
            finish();
            if (Thread.currentThread().isInterrupted()) {
                interrupted = true; // close() gave up waiting
                break;
            }
        }
        if (halted) {
            return;
        }
        if (stopping && (interrupted || closeIfIdle())) {
            shutDown(batch);
            stopped.countDown();
        } else if (!queue.isEmpty()) {
            loop.request();
        } else if (!unsynced.isEmpty()) {
            loop.requestIn(nextSyncNanos - System.nanoTime());
        }
    }

    /** @return whether records written and not yet synced are to be synced now */
    private boolean syncDue() {
        return !unsynced.isEmpty() && (mode != DlqSettings.Fsync.INTERVAL || stopping
                || System.nanoTime() - nextSyncNanos >= 0);
    }

    /** Writes a batch; the caller holds the write lock. */
    private void write(List<SpillLog.Append> batch) {
        for (int i = 0; i < batch.size(); i++) {
            SpillLog.Append append = batch.get(i);
            try {
                int length = append.frame.length;
                Segment segment = log.active;
                if (segment != null && segment.writtenEnd > 0
                        && segment.writtenEnd + length > log.settings.segmentBytes) {
                    seal(segment);
                    segment = null;
                }
                if (segment == null) {
                    segment = log.newSegment();
                    log.active = segment;
                }
                if (unsynced.isEmpty() && mode == DlqSettings.Fsync.INTERVAL) {
                    nextSyncNanos = System.nanoTime() + intervalNanos;
                }
                stage(segment, append);
                if (mode == DlqSettings.Fsync.ALWAYS) {
                    sync();
                }
            } catch (IOException e) {
                // A staged record is among the unsynced ones already.
                fail(e, batch.subList(append.staged ? i + 1 : i, batch.size()));
                return;
            } catch (RuntimeException | OutOfMemoryError e) {
                // No direct memory for the staging buffer (every pipeline spilling at once), or a bug: this pass
                // runs on a shared thread that carries on, so the batch is refused here or its producers would
                // wait for ever and its room would never come back.
                fail(new IOException("cannot stage a record: " + e, e),
                        batch.subList(append.staged ? i + 1 : i, batch.size()));
                return;
            }
        }
        if (mode == DlqSettings.Fsync.BATCH) {
            syncOrFail();
        }
    }

    private void stage(Segment segment, SpillLog.Append append) throws IOException {
        if (staging == null) {
            ByteBuffer spare = SPARE_STAGING.poll();
            staging = spare != null ? spare : ByteBuffer.allocateDirect(STAGING_BYTES);
        }
        byte[] frame = append.frame;
        if (frame.length > staging.remaining()) {
            flush(segment);
        }
        log.staged(append);
        unsynced.add(append);
        segment.writtenEnd += frame.length;
        segment.size = Math.max(segment.size, segment.writtenEnd);
        if (frame.length > staging.capacity()) {
            log.files.write(segment.channel, ByteBuffer.wrap(frame));
        } else {
            staging.put(frame);
        }
    }

    private void flush(Segment segment) throws IOException {
        if (staging != null && staging.position() > 0) {
            staging.flip();
            try {
                log.files.write(segment.channel, staging);
            } finally {
                staging.clear();
            }
        }
    }

    private void syncOrFail() {
        try {
            sync();
        } catch (IOException e) {
            fail(e, List.of());
        }
    }

    /** Makes the active segment's unsynced records durable and publishes them. The caller holds the write lock. */
    private void sync() throws IOException {
        Segment segment = log.active;
        if (segment == null || unsynced.isEmpty()) {
            return;
        }
        flush(segment);
        log.files.force(segment.channel);
        long from = segment.durableEnd;
        segment.durableEnd = segment.writtenEnd;
        log.published(segment, from, unsynced.size());
        durable.addAll(unsynced);
        unsynced.clear();
    }

    /**
     * Writes what the pass staged to the active segment (not synced: that waits for its turn) and gives the buffer
     * back. The caller holds the write lock.
     */
    private void releaseStaging() {
        if (staging == null) {
            return;
        }
        Segment segment = log.active;
        if (segment != null && segment.channel != null) {
            try {
                flush(segment);
            } catch (IOException e) {
                fail(e, List.of());
            }
        }
        staging.clear();
        SPARE_STAGING.offer(staging); // dropped when enough are spare
        staging = null;
    }

    /** Syncs and closes a segment so that no more records go to it. The caller holds the write lock. */
    void seal(Segment segment) throws IOException {
        if (segment == log.active) {
            sync();
            log.active = null;
        }
        segment.sealed = true;
        try {
            if (segment.channel != null) {
                segment.channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing {}", segment, e);
        }
        segment.channel = null;
    }

    /**
     * Fails every record not yet durable: the unsynced ones and {@code rest} of the batch. Truncates the segment
     * to its durable end so that the next record follows the last durable one; seals it there if that fails.
     */
    private void fail(IOException error, List<SpillLog.Append> rest) {
        // Records are queued in emit order, so every record queued behind the failed ones, or reserved and not yet
        // queued, was emitted after them: refuse them all now, before the failure is reported, so that none is
        // written once space frees up while the producer still has to send the refused ones again.
        List<SpillLog.Append> queued = new ArrayList<>();
        synchronized (queue) {
            queue.drainTo(queued);
            // Owed before the failure is counted: a record reserved after the count changed finds them owed.
            log.writeFailed(unsynced);
            log.writeFailed(rest);
            log.writeFailed(queued);
            failures++;
        }
        int count = unsynced.size() + rest.size() + queued.size();
        LOG.error("pipeline '{}': dlq: cannot write the spill log in {}: {}; {} event(s) refused with backpressure,"
                + " the layer carries on", log.pipeline, log.dir, error.toString(), count);
        failed.addAll(unsynced);
        failed.addAll(rest);
        failed.addAll(queued);
        unsynced.clear();
        if (staging != null) {
            staging.clear();
        }
        Segment segment = log.active;
        if (segment == null) {
            return;
        }
        long extra = segment.writtenEnd - segment.durableEnd;
        try {
            segment.channel.truncate(segment.durableEnd);
            segment.channel.position(segment.durableEnd);
            segment.writtenEnd = segment.durableEnd;
            segment.size = segment.durableEnd;
            log.truncated(extra);
        } catch (IOException | RuntimeException e) {
            LOG.warn("pipeline '{}': dlq: cannot truncate {} to its durable end {}: {}; sealing it there",
                    log.pipeline, segment, segment.durableEnd, e.toString());
            segment.writtenEnd = segment.durableEnd;
            segment.sealed = true;
            try {
                segment.channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            segment.channel = null;
            log.active = null;
        }
    }

    /** Completes the stages of the last pass, outside the write lock. */
    private void finish() {
        boolean published = !durable.isEmpty();
        for (SpillLog.Append append : durable) {
            append.done.complete(null);
        }
        durable.clear();
        for (SpillLog.Append append : failed) {
            log.failedToWrite(append);
        }
        failed.clear();
        if (published) {
            log.notifyListener();
        }
    }

    private boolean closeIfIdle() {
        synchronized (queue) {
            if (queue.isEmpty() && unsynced.isEmpty()) {
                closed = true;
            }
            return closed;
        }
    }

    private void shutDown(List<SpillLog.Append> leftover) {
        List<SpillLog.Append> rest = new ArrayList<>(leftover);
        synchronized (queue) {
            closed = true;
            queue.drainTo(rest);
        }
        log.writeLock.lock();
        try {
            syncOrFail();
            releaseStaging();
            failed.addAll(rest);
            failed.addAll(unsynced);
            unsynced.clear();
            Segment segment = log.active;
            if (segment != null && segment.channel != null) {
                try {
                    segment.channel.close();
                } catch (IOException e) {
                    LOG.debug("closing {}", segment, e);
                }
                segment.channel = null;
            }
        } finally {
            log.writeLock.unlock();
        }
        finish();
    }

    /** Writes what is queued, waiting at most {@code timeout}; what is left then fails with backpressure. */
    void stop(Duration timeout) {
        stopping = true;
        loop.request();
        try {
            if (!stopped.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                LOG.warn("pipeline '{}': dlq: writer still busy after {}; refusing what it has not written",
                        log.pipeline, timeout);
                loop.interrupt();
                loop.request();
                stopped.await(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdown();
    }

    /** Stops at once without writing, syncing or completing anything more. */
    void halt() {
        halted = true;
        synchronized (queue) {
            closed = true;
        }
        loop.shutdownAndWait(5000);
    }
}
