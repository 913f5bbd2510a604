package io.jetconnect.plugins.dlq;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain's bookkeeping in the log, once records are acknowledged in order: moves a segment's acknowledged end
 * ({@link SpillLog#acked}, a run of entries per segment at once), rewrites its checkpoint every {@code drain.in-flight} acknowledged entries and at least
 * every {@code drain.checkpoint-interval} (so a restart re-sends less than one window of acknowledged records),
 * deletes a segment once all of it is acknowledged and read past, and reports progress. Used by the
 * {@link Drainer}'s thread alone.
 */
final class Checkpointer {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final SpillLog log;
    private final LogCursor cursor;
    private final DrainProgress progress;
    private final int every;
    private final long intervalNanos;
    private final String pipeline;

    /** The segment whose checkpoint is due, and entries acknowledged in it since its last checkpoint. */
    private Segment segment;
    private int sinceCheckpoint;
    /** The run of acknowledged entries of one segment not applied to the log yet. */
    private Segment runSegment;
    private long runEnd;
    private int runEntries;
    private int runRecords;
    private int runDrained;
    private int drained;
    private long lastCheckpointNanos = System.nanoTime();

    Checkpointer(SpillLog log, LogCursor cursor, DlqSettings settings) {
        this.log = log;
        this.cursor = cursor;
        this.pipeline = log.pipeline;
        this.progress = new DrainProgress(pipeline, settings.progressInterval);
        this.every = settings.drainInFlight;
        this.intervalNanos = settings.checkpointInterval.toNanos();
    }

    /**
     * The next entry of the drain (a record or a corrupt range) is acknowledged, in log order; applied to the log a
     * run per segment at once, at the latest by {@link #flush}.
     *
     * @param drained whether it is a record the sink took (not one quarantined)
     */
    void ack(Segment segment, long end, boolean record, boolean drained) {
        if (segment != runSegment) {
            applyRun();
            runSegment = segment;
        }
        runEnd = end;
        runEntries++;
        if (record) {
            runRecords++;
        }
        if (drained) {
            runDrained++;
        }
    }

    /** @return how many records the sink took among those acknowledged since the last flush */
    int flush() {
        applyRun();
        int count = drained;
        drained = 0;
        return count;
    }

    private void applyRun() {
        Segment acked = runSegment;
        if (acked == null) {
            return;
        }
        log.acked(acked, runEnd, runRecords);
        if (runRecords > 0) {
            progress.done(runRecords, log.depth());
        }
        if (segment != acked) {
            segment = acked;
            sinceCheckpoint = 0;
        }
        sinceCheckpoint += runEntries;
        drained += runDrained;
        runSegment = null;
        runEntries = 0;
        runRecords = 0;
        runDrained = 0;
        if (sinceCheckpoint >= every) {
            checkpoint(true);
        }
        deleteIfDone(acked);
    }

    /** The log is empty and the layer passes events through again. */
    void finished() {
        progress.finished();
    }

    /** Deletes {@code done} if it is sealed, all acknowledged and the cursor has read past it. */
    void deleteIfDone(Segment done) {
        if (done.deleted || !done.sealed || done.ackedEnd != done.durableEnd || !cursor.past(done)) {
            return;
        }
        try {
            log.delete(done);
        } catch (IOException e) {
            LOG.warn("pipeline '{}': dlq: cannot delete drained segment {}: {}", pipeline, done, e.toString());
        }
        if (segment == done) {
            segment = null;
            sinceCheckpoint = 0;
        }
    }

    /**
     * Writes the checkpoint of the segment being acknowledged, if anything was acknowledged since the last one and
     * either {@code due} or {@code drain.checkpoint-interval} has passed.
     */
    void checkpoint(boolean due) {
        Segment current = segment;
        if (current == null || current.deleted || sinceCheckpoint == 0) {
            return;
        }
        long now = System.nanoTime();
        if (!due && now - lastCheckpointNanos < intervalNanos) {
            return;
        }
        try {
            current.writeCheckpoint(current.ackedEnd);
        } catch (IOException e) {
            LOG.warn("pipeline '{}': dlq: cannot write the checkpoint of {}: {}", pipeline, current, e.toString());
        }
        sinceCheckpoint = 0;
        lastCheckpointNanos = now;
    }
}
