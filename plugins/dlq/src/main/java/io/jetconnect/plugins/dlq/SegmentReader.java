package io.jetconnect.plugins.dlq;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the records of one segment file in order, for recovery at startup and for the drainer. How it treats a
 * record that is not intact depends on who wrote the segment:
 *
 * <ul>
 *   <li><b>Authenticated segments</b> ({@code *.v3.log}, this build): only {@link RecordCodec#VERSION_3} records,
 *       whose header and payload carry tags under the data directory's key. A record with an authentic header whose
 *       payload is cut short or fails its tag is reported as one corrupt range spanning its declared length (or up
 *       to the end of the segment): the reader never looks for a record inside it, since the writer put none there.
 *       Only after a header that is not authentic (a damaged header) does the reader <em>resync</em>: it scans
 *       forward byte by byte for the next authentic header, and reports the bytes in between as one corrupt range.
 *       An event's data cannot hold an authentic header (its author does not know the key), so no bytes of data are
 *       ever taken for a record.</li>
 *   <li><b>Legacy segments</b> ({@code *.log}, earlier builds): records of versions 1 and 2 with a CRC32C; after a
 *       record that is not intact the reader resyncs to the next position that holds one (magic byte, plausible
 *       length, a payload that starts as that version's do, matching CRC). A CRC is no authentication: bytes of an
 *       event's data can pass for a record there. Such segments are only read, never written to, and they are gone
 *       once drained.</li>
 * </ul>
 *
 * <p>Reads through a buffer with positional reads; the payload of a returned record lives in that buffer and is
 * valid only until the next call. Not thread-safe: one reader per thread.
 */
final class SegmentReader implements AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;

    /**
     * One record, or one corrupt range when {@code problem} is not null.
     *
     * @param version the record's first byte, which says how to decode its payload
     * @param buffer the reader's buffer holding the payload, valid until the reader's next call
     */
    record Item(long offset, long end, byte version, byte[] buffer, int payloadOffset, int payloadLength,
                String problem) {

        boolean corrupt() {
            return problem != null;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final RecordCodec codec;
    private final boolean authenticated;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private long bufferStart;
    private int bufferLength;
    private long position;

    /**
     * @param codec the codec under the data directory's key
     * @param authenticated whether the segment holds authenticated records (written by this build)
     */
    SegmentReader(Path path, RecordCodec codec, boolean authenticated) throws IOException {
        this.path = path;
        this.codec = codec;
        this.authenticated = authenticated;
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
        return authenticated ? nextAuthenticated(at, limit) : nextLegacy(at, limit);
    }

    private Item nextAuthenticated(long at, long limit) throws IOException {
        int header = RecordCodec.HEADER_BYTES;
        if (limit - at < header) {
            position = limit;
            return new Item(at, limit, (byte) 0, null, 0, 0, "record header cut short by the end of the segment");
        }
        int index = ensure(at, header, limit);
        int declared = RecordCodec.getInt(buffer, index + 1);
        if (buffer[index] == RecordCodec.VERSION_3 && declared >= RecordCodec.MIN_PAYLOAD
                && declared <= RecordCodec.MAX_PAYLOAD && declared <= limit - at - header) {
            // The common case, one MAC: the payload tag covers the version and the length too, so a record whose
            // payload tag matches has an authentic header without checking the header tag.
            index = ensure(at, header + declared, limit);
            if (codec.payloadAuthentic(buffer, index, declared)) {
                position = at + header + declared;
                return new Item(at, position, buffer[index], buffer, index + header, declared, null);
            }
        }
        String problem = authenticHeader(at, limit);
        if (problem == null) {
            index = ensure(at, header, limit);
            int length = RecordCodec.getInt(buffer, index + 1);
            long end = at + header + length;
            if (end > limit) {
                // The writer's own length: what follows up to the end is this record's, torn, not another record.
                position = limit;
                return new Item(at, limit, (byte) 0, null, 0, 0,
                        "record of " + length + " bytes cut short by the end of the segment");
            }
            // Whole, with an authentic header: its payload failed its tag above. Damage, not a boundary to look for.
            position = end;
            return new Item(at, end, (byte) 0, null, 0, 0, "payload tag mismatch");
        }
        long resync = limit;
        for (long candidate = at + 1; candidate <= limit - header; candidate++) {
            if (authenticHeader(candidate, limit) == null) {
                resync = candidate;
                break;
            }
        }
        position = resync;
        return new Item(at, resync, (byte) 0, null, 0, 0, problem);
    }

    /** @return null if an authentic header starts at {@code at} ({@link RecordCodec#HEADER_BYTES} readable) */
    private String authenticHeader(long at, long limit) throws IOException {
        int index = ensure(at, RecordCodec.HEADER_BYTES, limit);
        if (buffer[index] != RecordCodec.VERSION_3) {
            return "not a record: wrong magic byte";
        }
        int length = RecordCodec.getInt(buffer, index + 1);
        if (length < RecordCodec.MIN_PAYLOAD || length > RecordCodec.MAX_PAYLOAD) {
            return "impossible record length " + Integer.toUnsignedString(length);
        }
        if (!codec.headerAuthentic(buffer, index)) {
            return "header tag mismatch";
        }
        return null;
    }

    private Item nextLegacy(long at, long limit) throws IOException {
        String problem = check(at, limit, false);
        if (problem == null) {
            int index = ensure(at, RecordCodec.LEGACY_HEADER_BYTES, limit);
            int length = RecordCodec.getInt(buffer, index + 1);
            index = ensure(at, RecordCodec.LEGACY_HEADER_BYTES + length, limit);
            position = at + RecordCodec.LEGACY_HEADER_BYTES + length;
            return new Item(at, position, buffer[index], buffer, index + RecordCodec.LEGACY_HEADER_BYTES, length,
                    null);
        }
        long resync = limit;
        for (long candidate = at + 1;
                candidate <= limit - RecordCodec.LEGACY_HEADER_BYTES - RecordCodec.MIN_PAYLOAD;
                candidate++) {
            if (check(candidate, limit, true) == null) {
                resync = candidate;
                break;
            }
        }
        position = resync;
        return new Item(at, resync, (byte) 0, null, 0, 0, problem);
    }

    /** @return null if an intact legacy record starts at {@code at}, else what is wrong */
    private String check(long at, long limit, boolean strict) throws IOException {
        if (limit - at < RecordCodec.LEGACY_HEADER_BYTES) {
            return "record header cut short by the end of the segment";
        }
        int index = ensure(at, RecordCodec.LEGACY_HEADER_BYTES, limit);
        byte version = buffer[index];
        if (!RecordCodec.isLegacyVersion(version)) {
            return "not a record: wrong magic byte";
        }
        int length = RecordCodec.getInt(buffer, index + 1);
        if (length < RecordCodec.MIN_PAYLOAD || length > RecordCodec.MAX_PAYLOAD) {
            return "impossible record length " + Integer.toUnsignedString(length);
        }
        if (length > limit - at - RecordCodec.LEGACY_HEADER_BYTES) {
            return "record of " + length + " bytes cut short by the end of the segment";
        }
        if (strict) {
            index = ensure(at, RecordCodec.LEGACY_HEADER_BYTES + 1, limit);
            if (!RecordCodec.plausibleStart(version, buffer[index + RecordCodec.LEGACY_HEADER_BYTES])) {
                return "payload does not start as its version's do";
            }
        }
        index = ensure(at, RecordCodec.LEGACY_HEADER_BYTES + length, limit);
        int expected = RecordCodec.getInt(buffer, index + 5);
        if (RecordCodec.crc(buffer, index + RecordCodec.LEGACY_HEADER_BYTES, length) != expected) {
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
