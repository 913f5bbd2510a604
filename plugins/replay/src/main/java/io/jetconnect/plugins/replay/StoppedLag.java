package io.jetconnect.plugins.replay;

import io.jetconnect.nats.SharedConnections;
import io.nats.client.Connection;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lag of a reader that stopped while its pipeline lives on (paused): the stream keeps growing, so the gauge must
 * keep reading the stream's last sequence rather than freeze at the reader's last value (0 for a reader that had
 * caught up). The cursor is where the reader stopped. The last sequence is read on demand: a scrape that finds it
 * older than the refresh interval takes a share of a connection (one of its own if no source of the same settings
 * runs) on a thread of its own and returns the last value meanwhile, so a gauge read never blocks and a paused
 * pipeline nobody scrapes holds no connection. When the pipeline resumes, the new reader registers its own gauge in
 * place of this one; when it stops, the gauge goes with the pipeline's meters.
 */
final class StoppedLag {

    private final NatsConnector connector;
    private final String stream;
    private final long cursor;
    private final long refreshNanos;
    private final ThreadFactory threads;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile long streamLast;
    private volatile long readAt;
    private volatile boolean everRead;

    /**
     * @param connector how the reader connected
     * @param streamLast the stream's last sequence the reader knew
     * @param cursor where the reader stopped
     */
    StoppedLag(NatsConnector connector, String stream, long streamLast, long cursor, long refreshNanos,
               ThreadFactory threads) {
        this.connector = connector;
        this.stream = stream;
        this.streamLast = streamLast;
        this.cursor = cursor;
        this.refreshNanos = refreshNanos;
        this.threads = threads;
    }

    /** @return the stream's last sequence (as last read) minus the cursor; starts a read when it is stale */
    long get() {
        long now = System.nanoTime();
        if ((!everRead || now - readAt >= refreshNanos) && reading.compareAndSet(false, true)) {
            everRead = true;
            readAt = now;
            Thread t = threads.newThread(this::read);
            t.setDaemon(true);
            t.start();
        }
        return Math.max(0, streamLast - cursor);
    }

    private void read() {
        // A running source's connection if the group has one open: a lease of its own would take an empty slot
        // and open a connection per read. Else one of its own, closed with the lease.
        try (SharedConnections.Lease lease = connector.leaseOpen().orElseGet(connector::lease)) {
            Connection c = lease.connection();
            long last = c.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
            streamLast = Math.max(streamLast, last);
        } catch (Exception e) {
            // NATS unreachable while paused: the last value stands; the next scrape tries again
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            reading.set(false);
        }
    }
}
