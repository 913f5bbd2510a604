package io.jetconnect.runtime.cluster;

import io.jetconnect.runtime.pipeline.SourceLeases;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's leases of run-once pipelines ({@link Lease}, one per pipeline it has), renewed or tried every
 * {@code lease-ttl / 3}. A separate watch every {@code lease-ttl / 10} tells a pipeline that its hold ran out even
 * while a renewal is stuck on an unreachable server; the pipelines are told on a thread of their own, so a
 * pipeline that takes its time to stop its source delays no renewal.
 */
public final class Leases implements SourceLeases, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    static final String LEASES = "leases.";
    private static final Lease.Clock SYSTEM = new Lease.Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };

    private final String worker;
    private final Duration ttl;
    private final LeaseStore store;
    private final Map<String, Joined> joined = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewals = daemon("jetconnect-lease");
    private final ScheduledExecutorService expiries = daemon("jetconnect-lease-expiry");
    private final ExecutorService notices = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jetconnect-lease-notice");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param worker this worker's id
     * @param ttl the leases' time to live ({@code jetconnect.cluster.lease-ttl})
     * @param store the fleet bucket's key-value operations
     */
    Leases(String worker, Duration ttl, LeaseStore store) {
        this.worker = worker;
        this.ttl = ttl;
        this.store = store;
        long third = ttl.toNanos() / 3;
        renewals.scheduleAtFixedRate(this::renewAll, third, third, TimeUnit.NANOSECONDS);
        long tenth = ttl.toNanos() / 10;
        expiries.scheduleAtFixedRate(this::noticeAll, tenth, tenth, TimeUnit.NANOSECONDS);
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One pipeline's lease and the token of the hold it last told the pipeline of. The pipeline sees the lease
     * held only under that token: a hold that ran out and was taken again before a notice (a worker frozen for
     * longer than the ttl) is told as a loss first, so the source stops and, told of the new hold at the next
     * notice, starts again from the stored cursor under the new token instead of writing on from where it was.
     */
    private final class Joined implements SourceLease {
        final String pipeline;
        final Lease lease;
        final Runnable changed;
        volatile long told;
        volatile boolean closed;

        Joined(String pipeline, Runnable changed) {
            this.pipeline = pipeline;
            this.lease = new Lease(LEASES + pipeline, worker, ttl, store, SYSTEM);
            this.changed = changed;
        }

        void renew() {
            if (!closed) {
                lease.tick();
                notice();
            }
        }

        synchronized void notice() {
            long token = lease.token();
            if (closed || token == told) {
                return;
            }
            told = nextTold(told, token);
            if (told == 0 && token != 0) {
                LOG.warn("fleet: this worker ({}) lost the lease of pipeline {} and took it again", worker, pipeline);
            } else if (token != 0) {
                LOG.info("fleet: this worker ({}) holds the lease of pipeline {} (term {}, token {})", worker,
                        pipeline, lease.term().orElse(0), token);
            } else {
                LOG.warn("fleet: this worker ({}) lost the lease of pipeline {}", worker, pipeline);
            }
            notices.execute(() -> {
                if (!closed) {
                    changed.run();
                }
            });
        }

        @Override
        public boolean holds() {
            return token() != 0;
        }

        @Override
        public long token() {
            long t = told;
            return t != 0 && lease.token() == t ? t : 0;
        }

        @Override
        public boolean verify() {
            return lease.verify();
        }

        @Override
        public boolean confirm() {
            long t = token();
            return t != 0 && lease.confirm(t);
        }

        @Override
        public void close() {
            closed = true;
            joined.remove(pipeline, this);
            try {
                renewals.execute(lease::release);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The leases are closing: release here (a held lease runs out by itself if this fails).
                lease.release();
            }
        }
    }

    /**
     * What a pipeline is told next.
     *
     * @param told the token of the hold it was last told of, 0 for none
     * @param token the lease's token now, 0 when not held
     * @return the token to tell it of: 0 (a loss) also when a hold under another token than the one it was told of
     *     began without it being told of the loss in between
     */
    static long nextTold(long told, long token) {
        return told != 0 && token != 0 && token != told ? 0 : token;
    }

    @Override
    public Optional<SourceLease> join(String pipeline, Runnable changed) {
        Joined j = new Joined(pipeline, changed);
        Joined previous = joined.put(pipeline, j);
        if (previous != null) {
            previous.close();
        }
        renewals.execute(j::renew);
        return Optional.of(j);
    }

    private void renewAll() {
        for (Joined j : joined.values()) {
            try {
                j.renew();
            } catch (RuntimeException e) {
                // A failure must not escape: it would cancel every later renewal of scheduleAtFixedRate.
                LOG.warn("fleet: renewing the lease of {}: {}", j.pipeline, e.toString());
            }
        }
    }

    private void noticeAll() {
        for (Joined j : joined.values()) {
            j.notice();
        }
    }

    /** @return the pipelines whose lease this worker holds now */
    public java.util.Set<String> held() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        joined.forEach((name, j) -> {
            if (j.holds()) {
                out.add(name);
            }
        });
        return out;
    }

    @Override
    public void close() {
        joined.values().forEach(Joined::close);
        renewals.shutdown();
        try {
            // The releases queued by the closes, so the others need not wait out the ttl after a graceful stop.
            renewals.awaitTermination(ttl.toMillis() / 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        renewals.shutdownNow();
        expiries.shutdownNow();
        notices.shutdownNow();
    }
}
