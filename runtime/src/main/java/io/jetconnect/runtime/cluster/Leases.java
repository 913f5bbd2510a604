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

    /** One pipeline's lease and what it last told the pipeline. */
    private final class Joined implements SourceLease {
        final String pipeline;
        final Lease lease;
        final Runnable changed;
        volatile boolean told;
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
            boolean holds = lease.holds();
            if (closed || holds == told) {
                return;
            }
            told = holds;
            if (holds) {
                LOG.info("fleet: this worker ({}) holds the lease of pipeline {} (term {})", worker, pipeline,
                        lease.term().orElse(0));
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
            return lease.holds();
        }

        @Override
        public boolean verify() {
            return lease.verify();
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
