package io.jetconnect.plugins.dlq;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the records of one segment file in order, for recovery at startup and for the drainer. A record that is
 * not intact (wrong magic byte, impossible length, CRC mismatch, cut short by the end of the segment) makes the
 * reader <em>resync</em>: it scans forward byte by byte for the next position that holds an intact record (a
 * version's magic byte, plausible length, a payload that starts as that version's payloads do, matching CRC) and
 * reports the bytes in between as one corrupt range, so that every intact record around damage is still recovered.
 * Records of every version {@link RecordCodec} reads may follow each other in one segment.
 *
 * <p>Reads through a buffer with positional reads; the payload of a returned record lives in that buffer and is
 * valid only until the next call. Not thread-safe: one reader per thread.
 */
final class SegmentReader implements AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;

    /** One record, or one corrupt range when {@link #problem} is not null. */
    static final class Item {
        final long offset;
        final long end;
        /** The record's first byte, which says how to decode its payload. */
        final byte version;
        final byte[] buffer;
        final int payloadOffset;
        final int payloadLength;
        final String problem;

        private Item(long offset, long end, byte version, byte[] buffer, int payloadOffset, int payloadLength,
                     String problem) {
            this.offset = offset;
            this.end = end;
            this.version = version;
            this.buffer = buffer;
            this.payloadOffset = payloadOffset;
            this.payloadLength = payloadLength;
            this.problem = problem;
        }

        boolean corrupt() {
            return problem != null;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private long bufferStart;
    private int bufferLength;
    private long position;

    SegmentReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    long position() {
        return position;
    }

    void seek(long to) {
        position = to;
    }

    /**
     * @param limit how far the segment may be read: its size, or for the segment being written the end of its
     *     durable records
     * @return the record or corrupt range at the position (and moves past it), or null at {@code limit}
     */
    Item next(long limit) throws IOException {
        long at = position;
        if (at >= limit) {
            return null;
        }
        String problem = check(at, limit, false);
        if (problem == null) {
            int index = ensure(at, RecordCodec.HEADER_BYTES, limit);
            int length = RecordCodec.getInt(buffer, index + 1);
            index = ensure(at, RecordCodec.HEADER_BYTES + length, limit);
            position = at + RecordCodec.HEADER_BYTES + length;
            return new Item(at, position, buffer[index], buffer, index + RecordCodec.HEADER_BYTES, length, null);
        }
        long resync = limit;
        for (long candidate = at + 1; candidate <= limit - RecordCodec.HEADER_BYTES - RecordCodec.MIN_PAYLOAD;
                candidate++) {
            if (check(candidate, limit, true) == null) {
                resync = candidate;
                break;
            }
        }
        position = resync;
        return new Item(at, resync, (byte) 0, null, 0, 0, problem);
    }

    /** @return null if an intact record starts at {@code at}, else what is wrong */
    private String check(long at, long limit, boolean strict) throws IOException {
        if (limit - at < RecordCodec.HEADER_BYTES) {
            return "record header cut short by the end of the segment";
        }
        int index = ensure(at, RecordCodec.HEADER_BYTES, limit);
        byte version = buffer[index];
        if (!RecordCodec.isVersion(version)) {
            return "not a record: wrong magic byte";
        }
        int length = RecordCodec.getInt(buffer, index + 1);
        if (length < RecordCodec.MIN_PAYLOAD || length > RecordCodec.MAX_PAYLOAD) {
            return "impossible record length " + Integer.toUnsignedString(length);
        }
        if (length > limit - at - RecordCodec.HEADER_BYTES) {
            return "record of " + length + " bytes cut short by the end of the segment";
        }
        if (strict) {
            index = ensure(at, RecordCodec.HEADER_BYTES + 1, limit);
            if (!RecordCodec.plausibleStart(version, buffer[index + RecordCodec.HEADER_BYTES])) {
                return "payload does not start as its version's do";
            }
        }
        index = ensure(at, RecordCodec.HEADER_BYTES + length, limit);
        int expected = RecordCodec.getInt(buffer, index + 5);
        if (RecordCodec.crc(buffer, index + RecordCodec.HEADER_BYTES, length) != expected) {
            return "CRC32C mismatch";
        }
        return null;
    }

    /** @return the index in {@link #buffer} of file offset {@code at}, with {@code count} bytes readable there */
    private int ensure(long at, int count, long limit) throws IOException {
        if (at >= bufferStart && at + count <= bufferStart + bufferLength) {
            return (int) (at - bufferStart);
        }
        int want = (int) Math.min(Math.max(count, BUFFER_BYTES), limit - at);
        if (buffer.length < want) {
            buffer = new byte[want];
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, want);
        while (target.hasRemaining()) {
            int read = channel.read(target, at + target.position());
            if (read < 0) {
                throw new EOFException(path + " ends at " + (at + target.position()) + ", expected " + (at + want));
            }
        }
        bufferStart = at;
        bufferLength = want;
        return 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
