package io.jetconnect.plugins.jsonl;

import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread that takes lines in the order they were appended and writes whatever has queued up as one
 * batch: write, flush (and fsync when asked), then complete the batch's stages. Emitting threads only enqueue, so
 * the sink never blocks on I/O and costs one flush (one fsync) per batch instead of per event.
 *
 * <p>A failed write fails the batch's stages with a {@link RetriableException} (a full disk may free up) and
 * reopens the file for the next batch.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 4096;
    private static final long POLL_MILLIS = 100;

    private final RotatingFile file;
    private final IntConsumer written;
    private final IntConsumer failed;
    private final BlockingQueue<Line> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    private record Line(byte[] bytes, CompletableFuture<Void> done) {
    }

    /**
     * @param file the file to write
     * @param threads makes the writer thread
     * @param written told how many lines each successful batch wrote
     * @param failed told how many lines each failed batch lost
     */
    GroupCommitWriter(RotatingFile file, ThreadFactory threads, IntConsumer written, IntConsumer failed) {
        this.file = file;
        this.written = written;
        this.failed = failed;
        this.thread = threads.newThread(this::run);
        thread.start();
    }

    /** @return a stage that completes once the line is written (and synced, if asked) */
    CompletionStage<Void> append(byte[] line) {
        if (closed) {
            return CompletableFuture.failedFuture(new JetconnectException("the jsonl sink is closed"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Line(line, done));
        return done;
    }

    private void run() {
        List<Line> batch = new ArrayList<>();
        while (true) {
            Line first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Line> batch) {
        try {
            for (Line line : batch) {
                file.write(line.bytes());
            }
            file.flush();
        } catch (IOException | RuntimeException e) {
            file.reset();
            LOG.warn("cannot write {}: {}", file.path(), e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
            RetriableException cause = new RetriableException("cannot write " + file.path() + ": "
                    + e.getClass().getSimpleName(), e);
            for (Line line : batch) {
                line.done().completeExceptionally(cause);
            }
            failed.accept(batch.size());
            return;
        }
        written.accept(batch.size());
        for (Line line : batch) {
            line.done().complete(null);
        }
    }

    /** Writes what is queued, closes the file and stops the thread. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Line> left = new ArrayList<>();
        queue.drainTo(left);
        for (Line line : left) {
            line.done().completeExceptionally(new JetconnectException("the jsonl sink closed before writing it"));
        }
        try {
            file.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", file.path(), e.getMessage());
        }
    }
}
