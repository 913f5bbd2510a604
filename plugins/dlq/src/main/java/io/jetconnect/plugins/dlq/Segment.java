package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of the spill log, {@code segment-<id>-<created millis>.v3.log}, and its drain checkpoint
 * {@code segment-<id>-<created millis>.v3.log.ckpt}. Ids grow with each new segment, so ids order segments as they
 * were written; the creation time in the name lets the oldest-event age survive a restart.
 *
 * <p>The name also says who wrote the segment: {@code .v3.log} is this build's, holding only authenticated records
 * ({@link RecordCodec#VERSION_3}); a plain {@code .log} was written by an earlier build (records of versions 1 and
 * 2, with a CRC32C) and is only read and drained, never written to. A name is chosen by the writer alone, so no data
 * can make the reader treat an authenticated segment as a legacy one; and an earlier build, after a downgrade,
 * does not recognize the new names and leaves those files alone.
 *
 * <p>The checkpoint holds the offset below which every record is acknowledged, with a CRC32C, and is replaced
 * atomically (write to a temporary file, rename over). It is not fsynced: a checkpoint lost to a power cut only
 * makes the drainer re-send records the wrapped sink already has, which it deduplicates by event id.
 *
 * <p>Fields: {@link #channel} and {@link #writtenEnd} belong to the writer (under the log's write lock);
 * {@link #durableEnd} and {@link #sealed} are published by the writer and read by the drainer;
 * {@link #ackedEnd} is published by the drainer.
 */
final class Segment {

    private static final Pattern NAME = Pattern.compile("segment-(\\d{19})-(\\d{1,19})(\\.v3)?\\.log");
    static final String CHECKPOINT_SUFFIX = ".ckpt";
    static final String TEMP_SUFFIX = ".tmp";

    final long id;
    final long createdMillis;
    final Path path;
    final Path checkpointPath;
    /** Whether the segment holds authenticated records: written by this build. */
    final boolean authenticated;

    FileChannel channel;
    long writtenEnd;
    volatile long durableEnd;
    volatile boolean sealed;
    volatile long ackedEnd;
    /** Bytes the file takes on disk, as counted in the log's total. */
    volatile long size;
    /** Set once the file is deleted. */
    volatile boolean deleted;

    /** A new segment, for authenticated records. */
    Segment(Path dir, long id, long createdMillis) {
        this(dir, id, createdMillis, true);
    }

    private Segment(Path dir, long id, long createdMillis, boolean authenticated) {
        this.id = id;
        this.createdMillis = createdMillis;
        this.authenticated = authenticated;
        this.path = dir.resolve(String.format("segment-%019d-%d%s.log", id, createdMillis,
                authenticated ? ".v3" : ""));
        this.checkpointPath = path.resolveSibling(path.getFileName() + CHECKPOINT_SUFFIX);
    }

    /** @return the segment a file name denotes, or null if it is not a segment's name */
    static Segment parse(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        try {
            return new Segment(file.getParent(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    m.group(3) != null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return a reader of this segment's records, which reads them as its writer wrote them */
    SegmentReader reader(RecordCodec codec) throws IOException {
        return new SegmentReader(path, codec, authenticated);
    }

    String name() {
        return path.getFileName().toString();
    }

    /** @return the acknowledged offset stored in the checkpoint, or 0 if there is none or it is damaged */
    long readCheckpoint() {
        String text;
        try {
            text = Files.readString(checkpointPath, StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        int space = text.indexOf(' ');
        if (space < 0) {
            return 0;
        }
        String offset = text.substring(0, space);
        if (!Integer.toHexString(crc(offset)).equals(text.substring(space + 1))) {
            return 0;
        }
        try {
            long value = Long.parseLong(offset);
            return value < 0 ? 0 : value;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Replaces the checkpoint atomically with {@code offset}. */
    void writeCheckpoint(long offset) throws IOException {
        String value = Long.toString(offset);
        Path temp = checkpointPath.resolveSibling(checkpointPath.getFileName() + TEMP_SUFFIX);
        Files.writeString(temp, value + " " + Integer.toHexString(crc(value)) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, checkpointPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, checkpointPath, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int crc(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return RecordCodec.crc(bytes, 0, bytes.length);
    }

    @Override
    public String toString() {
        return name();
    }
}
