package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * The drainer's read position in the spill log: a segment and a {@link SegmentReader} on it. Reads durable records
 * only (up to the segment's durable end), and moves on to the next segment once it has read all of a sealed one.
 * Used by the drainer's thread alone.
 */
final class LogCursor implements AutoCloseable {

    private final SpillLog log;
    private final RecordCodec codec;
    /** The segment read last; kept after its reader is closed, to find the next one. */
    private Segment segment;
    private SegmentReader reader;

    LogCursor(SpillLog log, RecordCodec codec) {
        this.log = log;
        this.codec = codec;
    }

    /** @return the segment read last, or null */
    Segment segment() {
        return segment;
    }

    /** @return the offset of the next read in {@link #segment()}, or its acknowledged end if it is not open */
    long position() {
        return reader != null ? reader.position() : segment == null ? 0 : segment.ackedEnd;
    }

    FileChannel channel() {
        return reader.channel();
    }

    /** Positions the cursor at {@code offset} of {@code target}. */
    void seek(Segment target, long offset) throws IOException {
        if (target != segment || reader == null) {
            close();
            segment = target;
            reader = target.reader(codec);
        }
        reader.seek(offset);
    }

    /** @return whether the cursor has read all of {@code target} that is durable */
    boolean past(Segment target) {
        return target != segment || reader == null || reader.position() >= target.durableEnd;
    }

    /**
     * @param finished called with each sealed segment the cursor has read to its end and leaves
     * @return the next record or corrupt range, or null if nothing more is durable now; the item's payload is valid
     *     until the next call
     */
    SegmentReader.Item next(Consumer<Segment> finished) throws IOException {
        while (true) {
            if (reader == null) {
                Segment next = segment == null || segment.deleted ? log.first() : log.after(segment);
                if (next == null || next == segment) {
                    return null;
                }
                seek(next, next.ackedEnd);
            }
            SegmentReader.Item item = reader.next(segment.durableEnd);
            if (item != null) {
                return item;
            }
            // Read sealed before durableEnd: the writer publishes the final durable end, then seals.
            if (!segment.sealed) {
                return null;
            }
            if (reader.position() < segment.durableEnd) {
                continue;
            }
            Segment done = segment;
            close();
            finished.accept(done);
        }
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only; nothing to lose
            }
            reader = null;
        }
    }
}
