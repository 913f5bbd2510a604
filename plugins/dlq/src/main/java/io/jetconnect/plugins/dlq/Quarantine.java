package io.jetconnect.plugins.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.PluginMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where spilled events go that will never be delivered: {@code dlq/quarantine.jsonl}, one JSON object per line with
 * the time, the pipeline, where it came from ({@code origin}: {@code drain} when the wrapped sink rejected a
 * replayed record for good, {@code serialization} when such an event could not be written as JSON either,
 * {@code corrupt} for damaged bytes of the log), the error and its reason, and the event in the
 * CloudEvents JSON format. Corrupt bytes are copied to {@code dlq/quarantine/corrupt-<segment>-<offset>.bin} and
 * referenced from their line; an intact record that is not an event is kept in its line as {@code payload_base64},
 * with the {@code record_version} that says how to read it.
 *
 * <p>Bounded by {@code quarantine-max-bytes}: the lines and the corrupt copies together never take more. A line or
 * copy that does not fit is refused with a {@link BackpressureException} and nothing is written; the drainer then
 * stops at that record and retries later (nothing is dropped, the spill log keeps it), and the log fills until
 * emits are refused too. The bound counts what is on disk, measured again at startup and whenever something does
 * not fit (so that an operator who moves quarantined files away frees the room at once), plus what is queued.
 *
 * <p>Passes on the layer's serial executor ({@link WorkLoop}, no thread while nothing is queued) append lines in
 * batches and fsync once per batch; the stage of a line completes once it is on disk, and each line counts in {@code jetconnect.dlq.quarantined}. Never logs event data. Thread-safe.
 */
final class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    static final String FILE = "quarantine.jsonl";
    static final String DIR = "quarantine";

    private record Line(byte[] json, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final String pipeline;
    private final RecordCodec codec;
    private final FileOps files;
    private final PluginMetrics.Counter quarantined;
    private final Duration retryAfter;
    private final long maxBytes;
    /** Bytes of the quarantine's files, as last measured plus what was written since. */
    private final AtomicLong onDisk = new AtomicLong();
    /** Bytes reserved for lines and copies not written yet. */
    private final AtomicLong pending = new AtomicLong();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final LinkedBlockingQueue<Line> queue = new LinkedBlockingQueue<>();
    private final WorkLoop loop;
    /** Counted down once the last pass after {@link #close} found nothing left. */
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean closing;
    /** Set (under the queue's lock) once no line is taken any more. */
    private boolean closed;

    Quarantine(Path dlqDir, String pipeline, RecordCodec codec, FileOps files, PluginMetrics.Counter quarantined,
               Duration retryAfter, long maxBytes, ScheduledExecutorService executor) {
        this.dir = dlqDir;
        this.maxBytes = maxBytes;
        this.onDisk.set(measure());
        this.pipeline = pipeline;
        this.codec = codec;
        this.files = files;
        this.quarantined = quarantined;
        this.retryAfter = retryAfter;
        this.loop = new WorkLoop(executor, this::pass);
    }

    /**
     * Quarantines an event the wrapped sink failed permanently.
     *
     * @return a stage that completes once the line is on disk
     */
    CompletableFuture<Void> event(CloudEvent event, String origin, Throwable error) {
        ObjectNode line = header(origin, error);
        try {
            line.putRawValue("event", new RawValue(new String(codec.json(event), StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            line.put("origin", "serialization");
            line.put("serialization_error", describe(e));
            line.set("event", bestEffort(event));
        }
        return submit(line);
    }

    /**
     * Quarantines a record that is intact (its CRC or tags match) but whose payload is not a CloudEvent; {@code version} is its first
     * byte, which says how the payload was meant to be read.
     */
    CompletableFuture<Void> undecodable(String segment, long offset, byte version, byte[] payload, int from,
                                        int length, Throwable error) {
        ObjectNode line = header("corrupt", error);
        line.put("segment", segment);
        line.put("offset", offset);
        line.put("record_version", version == RecordCodec.VERSION_1 ? 1 : version == RecordCodec.VERSION_2 ? 2
                : version == RecordCodec.VERSION_3 ? 3 : version & 0xFF);
        line.put("payload_base64", Base64.getEncoder().encodeToString(
                Arrays.copyOfRange(payload, from, from + length)));
        return submit(line);
    }

    /**
     * Copies a corrupt range of a segment to {@code quarantine/corrupt-<segment>-<offset>.bin} and records it. Does
     * nothing if that range was quarantined before (a restart finds the same damage again).
     *
     * @return whether the range was quarantined now
     */
    synchronized boolean corrupt(String segment, FileChannel source, long from, long to, String problem)
            throws IOException {
        Path bins = Files.createDirectories(dir.resolve(DIR));
        Path target = bins.resolve("corrupt-" + segment + "-" + from + ".bin");
        if (Files.exists(target)) {
            return false;
        }
        if (!reserve(to - from)) {
            throw full();
        }
        boolean written = false;
        Path temp = bins.resolve(target.getFileName() + Segment.TEMP_SUFFIX);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long copied = 0;
            while (copied < to - from) {
                long n = source.transferTo(from + copied, to - from - copied, out);
                if (n <= 0) {
                    break;
                }
                copied += n;
            }
            files.force(out);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written = true;
        } finally {
            pending.addAndGet(-(to - from));
            if (written) {
                onDisk.addAndGet(to - from);
            } else {
                Files.deleteIfExists(temp);
            }
        }
        ObjectNode line = header("corrupt", null);
        line.put("reason", problem);
        line.put("segment", segment);
        line.put("offset", from);
        line.put("bytes", to - from);
        line.put("file", DIR + "/" + target.getFileName());
        LOG.warn("pipeline '{}': dlq: {} corrupt bytes in {} at offset {} ({}); copied to {}", pipeline, to - from,
                segment, from, problem, target);
        submit(line).join();
        return true;
    }

    private ObjectNode header(String origin, Throwable error) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("pipeline", pipeline);
        line.put("origin", origin);
        if (error != null) {
            line.put("error", error.getClass().getName());
            line.put("reason", String.valueOf(error.getMessage()));
        }
        return line;
    }

    private static String describe(Throwable e) {
        return e.getClass().getName() + ": " + e.getMessage();
    }

    /** @return every attribute of the event that can be read, as strings, and its data in base64 if readable */
    private ObjectNode bestEffort(CloudEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("partial", true);
        attempt(node, "specversion", () -> event.getSpecVersion());
        attempt(node, "id", event::getId);
        attempt(node, "source", event::getSource);
        attempt(node, "type", event::getType);
        attempt(node, "subject", event::getSubject);
        attempt(node, "time", event::getTime);
        attempt(node, "datacontenttype", event::getDataContentType);
        attempt(node, "dataschema", event::getDataSchema);
        try {
            for (String name : event.getExtensionNames()) {
                attempt(node, name, () -> event.getExtension(name));
            }
        } catch (RuntimeException e) {
            node.put("extensions_error", e.getClass().getName());
        }
        try {
            CloudEventData data = event.getData();
            if (data != null) {
                node.put("data_base64", Base64.getEncoder().encodeToString(data.toBytes()));
            }
        } catch (RuntimeException e) {
            node.put("data_error", describe(e));
        }
        return node;
    }

    private static void attempt(ObjectNode node, String name, Supplier<?> value) {
        try {
            Object v = value.get();
            if (v instanceof byte[] bytes) {
                node.put(name, Base64.getEncoder().encodeToString(bytes));
            } else if (v != null) {
                node.put(name, v.toString());
            }
        } catch (RuntimeException e) {
            node.put(name + "_error", e.getClass().getName());
        }
    }

    private CompletableFuture<Void> submit(ObjectNode line) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] json;
        try {
            json = (MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            done.completeExceptionally(e);
            return done;
        }
        synchronized (queue) {
            if (closed) {
                done.completeExceptionally(new BackpressureException("dlq quarantine of pipeline '" + pipeline
                        + "' is closed", retryAfter));
            } else if (!reserve(json.length)) {
                done.completeExceptionally(full());
            } else {
                queue.add(new Line(json, done));
            }
        }
        loop.request();
        return done;
    }

    /** @return whether {@code bytes} more fit within quarantine-max-bytes; if so they are counted as pending */
    private synchronized boolean reserve(long bytes) {
        if (onDisk.get() + pending.get() + bytes > maxBytes) {
            onDisk.set(measure());
            if (onDisk.get() + pending.get() + bytes > maxBytes) {
                return false;
            }
        }
        pending.addAndGet(bytes);
        return true;
    }

    private BackpressureException full() {
        LOG.error("pipeline '{}': dlq: the quarantine is full ({} of quarantine-max-bytes {} bytes used); the drain"
                + " waits, spilled events stay in the log", pipeline, onDisk.get() + pending.get(), maxBytes);
        return new BackpressureException("dlq quarantine of pipeline '" + pipeline + "' is full (quarantine-max-bytes "
                + maxBytes + ")", retryAfter);
    }

    /** @return the bytes the quarantine's files take now */
    private long measure() {
        long total = 0;
        try {
            Path file = dir.resolve(FILE);
            if (Files.exists(file)) {
                total += Files.size(file);
            }
            Path bins = dir.resolve(DIR);
            if (Files.isDirectory(bins)) {
                try (var list = Files.list(bins)) {
                    for (Path bin : (Iterable<Path>) list::iterator) {
                        total += Files.size(bin);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // A file removed while measuring: the next measurement counts again.
            LOG.debug("measuring the quarantine in {}", dir, e);
        }
        return total;
    }

    /** @return the bytes the quarantine takes on disk */
    long bytes() {
        return onDisk.get();
    }

    /** Writes what is queued, a batch at a time; after {@link #close}, closes once nothing is left. */
    private void pass() {
        List<Line> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            queue.drainTo(batch, 1024);
            if (batch.isEmpty()) {
                break;
            }
            write(batch);
            batch.clear();
        }
        if (closing && closeIfIdle()) {
            finished.countDown();
        }
    }

    private boolean closeIfIdle() {
        synchronized (queue) {
            if (queue.isEmpty()) {
                closed = true;
            }
            return closed;
        }
    }

    /** Fails the lines nobody will write any more; once closed. */
    private void failQueued() {
        List<Line> rest = new ArrayList<>();
        synchronized (queue) {
            closed = true;
            queue.drainTo(rest);
        }
        for (Line line : rest) {
            pending.addAndGet(-line.json().length);
            line.done().completeExceptionally(new BackpressureException("dlq quarantine of pipeline '" + pipeline
                    + "' closed before this line was written", retryAfter));
        }
    }

    private void write(List<Line> batch) {
        long bytes = 0;
        for (Line line : batch) {
            bytes += line.json().length;
        }
        // Opened per batch (quarantining is rare): an operator who moves the file away gets a new one at once.
        try (FileChannel out = open()) {
            for (Line line : batch) {
                files.write(out, ByteBuffer.wrap(line.json()));
            }
            files.force(out);
        } catch (IOException | RuntimeException e) {
            LOG.error("pipeline '{}': dlq: cannot write {} line(s) to {}: {}", pipeline, batch.size(),
                    dir.resolve(FILE), e.toString());
            pending.addAndGet(-bytes);
            onDisk.set(measure());
            for (Line line : batch) {
                line.done().completeExceptionally(e);
            }
            return;
        }
        onDisk.addAndGet(bytes);
        pending.addAndGet(-bytes);
        quarantined.increment(batch.size());
        for (Line line : batch) {
            line.done().complete(null);
        }
    }

    private FileChannel open() throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            long size = opened.size();
            opened.position(size);
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                opened.read(last, size - 1);
                if (last.get(0) != '\n') {
                    // A line cut short by a crash: end it, so that the next one is still a line of its own.
                    files.write(opened, ByteBuffer.wrap(new byte[] {'\n'}));
                }
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Writes what is queued (waiting at most {@code timeout}) and closes the file. */
    void close(Duration timeout) {
        closing = true;
        loop.request();
        try {
            if (!finished.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                loop.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
        loop.shutdown();
    }
}
