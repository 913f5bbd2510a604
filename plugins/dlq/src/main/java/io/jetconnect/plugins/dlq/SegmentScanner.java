package io.jetconnect.plugins.dlq;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of the spill log at startup. For every segment, in id order: reads its checkpoint, scans its records
 * from there with {@link SegmentReader} (which reads past damage as its writer's format allows), copies every corrupt range or torn tail to the
 * quarantine, and counts the intact records left to drain. A segment with none left (fully drained before a crash,
 * empty, or nothing but garbage) is deleted. Leftover temporary files and checkpoints without a segment are
 * removed. Runs once, on the thread that builds the layer.
 */
final class SegmentScanner {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentScanner.class);

    /** A segment that still holds records to drain. */
    record Recovered(Segment segment, long records) {
    }

    /** What recovery found: the segments to drain, oldest first, and the id for the next new segment. */
    record Result(List<Recovered> segments, long nextId) {
        long records() {
            return segments.stream().mapToLong(Recovered::records).sum();
        }
    }

    private SegmentScanner() {
    }

    static Result recover(Path dir, RecordCodec codec, Quarantine quarantine, String pipeline) throws IOException {
        List<Segment> found = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Segment segment = Segment.parse(file);
                if (segment != null) {
                    found.add(segment);
                } else {
                    others.add(file);
                }
            }
        }
        found.sort(Comparator.comparingLong(s -> s.id));
        long nextId = found.isEmpty() ? 1 : found.get(found.size() - 1).id + 1;
        List<Recovered> recovered = new ArrayList<>();
        for (Segment segment : found) {
            long records = scan(segment, codec, quarantine, pipeline);
            if (records != 0) {
                // -1: nothing to drain, but damage that could not be quarantined yet; the drainer retries.
                recovered.add(new Recovered(segment, Math.max(records, 0)));
            } else {
                Files.deleteIfExists(segment.path);
                Files.deleteIfExists(segment.checkpointPath);
                segment.deleted = true;
            }
        }
        for (Path other : others) {
            String name = other.getFileName().toString();
            boolean orphanCheckpoint = name.endsWith(Segment.CHECKPOINT_SUFFIX)
                    && !Files.exists(other.resolveSibling(name.substring(0,
                    name.length() - Segment.CHECKPOINT_SUFFIX.length())));
            if (name.endsWith(Segment.TEMP_SUFFIX) || orphanCheckpoint) {
                Files.deleteIfExists(other);
            }
        }
        return new Result(recovered, nextId);
    }

    /**
     * @return the intact records of the segment after its checkpoint, or -1 if there are none but it must be kept
     *     for damage that could not be quarantined; quarantines its damage on the way
     */
    private static long scan(Segment segment, RecordCodec codec, Quarantine quarantine, String pipeline)
            throws IOException {
        long size = Files.size(segment.path);
        long from = segment.readCheckpoint();
        if (from > size) {
            LOG.warn("pipeline '{}': dlq: checkpoint of {} points past its end; draining it from the start",
                    pipeline, segment);
            from = 0;
        }
        long records = 0;
        long corruptBytes = 0;
        boolean keep = false;
        try (SegmentReader reader = segment.reader(codec)) {
            reader.seek(from);
            SegmentReader.Item item;
            while ((item = reader.next(size)) != null) {
                if (!item.corrupt()) {
                    records++;
                    continue;
                }
                corruptBytes += item.end() - item.offset();
                try {
                    quarantine.corrupt(segment.name(), reader.channel(), item.offset(), item.end(), item.problem());
                } catch (IOException | RuntimeException e) {
                    // The drainer tries again when it gets there; the segment is kept until it succeeds.
                    LOG.error("pipeline '{}': dlq: cannot quarantine {} corrupt bytes of {} at offset {}: {}",
                            pipeline, item.end() - item.offset(), segment, item.offset(), e.toString());
                    keep = true;
                }
            }
        }
        segment.size = size;
        segment.writtenEnd = size;
        segment.durableEnd = size;
        segment.ackedEnd = from;
        segment.sealed = true;
        if (records > 0 || corruptBytes > 0) {
            LOG.info("pipeline '{}': dlq: recovered {} record(s) from {} (from offset {}, {} corrupt bytes)",
                    pipeline, records, segment, from, corruptBytes);
        }
        return records == 0 && keep ? -1 : records;
    }
}
