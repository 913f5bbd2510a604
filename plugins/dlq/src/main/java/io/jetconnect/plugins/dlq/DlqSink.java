package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.Outcome;
import io.jetconnect.spi.PluginMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer {@link DlqDecorator} builds: a state machine over one word, {@link #gate}, that holds the state bits
 * and the number of events in flight to the wrapped sink.
 *
 * <ul>
 *   <li><b>Pass-through</b>: an emit takes a ticket ({@link RefusedEvents#ticket}), counts itself in with one CAS and goes to the wrapped
 *       sink; its stage completes with the sink's. No disk I/O, and one monitor, held from the ticket to the
 *       hand-over so that the tickets order events as the sink sees them ({@link #passThrough}).</li>
 *   <li><b>Spilling</b> starts when the wrapped sink fails an event retriably. From then on no event goes to the
 *       wrapped sink from here: every new emit is appended to the {@link SpillLog}. The retriable failures of
 *       events still in flight from pass-through are held in a small reorder buffer by ticket; when the
 *       last of those events has completed (the barrier), they are appended in emit order, followed by the new
 *       events that queued behind them meanwhile. So nothing emitted after a spilled event reaches the wrapped sink
 *       before it does: it either was in flight already (and, from the {@code jetstream} sink, fails with it and
 *       is spilled in order) or is spilled behind it. The {@link Drainer} replays the log; when it is empty and
 *       nothing is in flight or queued, it switches back to pass-through under the lock that spill emits take.</li>
 *   <li><b>Closed</b>: emits fail with a {@link BackpressureException}.</li>
 * </ul>
 *
 * An event refused with backpressure (no room, a failed write) holds back the newer events of its subject until its
 * producer offers it again ({@link RefusedEvents}), so that none is stored before it.
 *
 * A permanent failure of the wrapped sink while a client waits (the event passed through) completes the emit's
 * stage with that failure, as it would without this layer: the producer learns that the event was refused (the
 * http source answers 422 or 413), and nothing is kept. An event that cannot be serialized for the log fails its
 * emit with a {@code JetconnectException} the same way. Only the {@link Drainer} quarantines: permanent failures
 * of records it replays, when nobody waits for them any more.
 */
final class DlqSink implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(DlqSink.class);
    private static final long SPILLING = 1L << 62;
    private static final long CLOSED = 1L << 61;
    private static final long IN_FLIGHT = CLOSED - 1;

    private final EventSink inner;
    private final SpillLog log;
    private final Quarantine quarantine;
    private final RecordCodec codec;
    private final DlqSettings settings;
    private final String pipeline;
    private final PluginMetrics.Counter refusedFull;
    private final PluginMetrics.Counter refusedClosed;
    private final PluginMetrics.Counter refusedOrder;
    private final AtomicLong gate = new AtomicLong();
    private final Object lock = new Object();
    /** Held from a pass-through event's ticket to its hand-over to the wrapped sink; see {@link #passThrough}. */
    private final Object sendOrder = new Object();
    /** Retriable failures of pass-through events, waiting for the barrier; guarded by {@link #lock}. */
    private final TreeMap<Long, SpillLog.Append> failedInFlight = new TreeMap<>();
    /** New events spilled while pass-through events are still in flight; guarded by {@link #lock}. */
    private final ArrayDeque<SpillLog.Append> behind = new ArrayDeque<>();
    private Drainer drainer;

    DlqSink(EventSink inner, SpillLog log, Quarantine quarantine, RecordCodec codec, DlqSettings settings,
            String pipeline, DlqMetrics metrics) {
        this.inner = inner;
        this.log = log;
        this.quarantine = quarantine;
        this.codec = codec;
        this.settings = settings;
        this.pipeline = pipeline;
        this.refusedFull = metrics.refused("full");
        this.refusedClosed = metrics.refused("closed");
        this.refusedOrder = metrics.refused("order");
        if (log.outstanding() > 0) {
            gate.set(SPILLING);
        }
    }

    void start(Drainer drainer) {
        this.drainer = drainer;
        log.listener(drainer::wake);
        drainer.start();
    }

    /** Asks the drainer for an attempt now, whatever its backoff. */
    void drainNow() {
        drainer.drainNow();
    }

    /** For tests. */
    SpillLog log() {
        return log;
    }

    boolean spilling() {
        return (gate.get() & SPILLING) != 0;
    }

    @Override
    public String orderKey(CloudEvent event) {
        return inner.orderKey(event);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        while (true) {
            long g = gate.get();
            if ((g & CLOSED) != 0) {
                refusedClosed.increment();
                return CompletableFuture.failedFuture(closed());
            }
            if ((g & SPILLING) != 0) {
                CompletionStage<Void> spilled = spill(event);
                if (spilled != null) {
                    return spilled;
                }
            } else if (gate.compareAndSet(g, g + 1)) {
                return passThrough(event);
            }
        }
    }

    /**
     * Takes a ticket and hands the event to the wrapped sink in one step, under {@link #sendOrder}: the tickets
     * then order the events of a key as the sink saw them. Without that, two producers of one subject could take
     * tickets 5 and 6 and reach the sink as 6, 5; when the sink fails both it owes 6 first (the {@code jetstream}
     * sink refuses the subject's other events until 6 is offered again), while this layer refused 6 for want of
     * room and drains 5 from its log first: each waits for the other. The wrapped sink serializes its emits anyway
     * (the {@code jetstream} sink under its lock), so this costs a monitor, not concurrency.
     */
    private CompletionStage<Void> passThrough(CloudEvent event) {
        CompletionStage<Void> stage;
        long seq;
        synchronized (sendOrder) {
            // Checked once counted in: the refusals are owed before the spill they came from can end, so an
            // event that finds the layer passing through again also finds them.
            RefusedEvents refusals = log.refusals;
            seq = refusals.isEmpty() ? refusals.ticket()
                    : refusals.admit(inner.orderKey(event), RefusedEvents.identity(event), System.nanoTime());
            if (seq < 0) {
                countOut();
                refusedOrder.increment();
                return CompletableFuture.failedFuture(behindRefused());
            }
            try {
                stage = inner.emit(event);
            } catch (Throwable t) {
                stage = CompletableFuture.failedFuture(t);
            }
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        stage.whenComplete((v, error) -> {
            if (error == null) {
                countOut();
                result.complete(null);
                return;
            }
            Throwable cause = Outcome.unwrap(error);
            if (Outcome.of(cause).retriable()) {
                spillFailed(event, seq, cause, result);
            } else {
                // The producer waits for this event: it gets the refusal, as it would without the dlq.
                countOut();
                result.completeExceptionally(cause);
            }
        });
        return result;
    }

    /** A pass-through event completed; the last one out releases the barrier and wakes a closing thread. */
    private void countOut() {
        long g = gate.decrementAndGet();
        if ((g & IN_FLIGHT) == 0 && (g & (SPILLING | CLOSED)) != 0) {
            synchronized (lock) {
                releaseBarrier();
            }
        }
    }

    /** A pass-through event failed retriably: spill, in emit order behind the barrier. */
    private void spillFailed(CloudEvent event, long seq, Throwable cause, CompletableFuture<Void> result) {
        byte[] frame;
        try {
            frame = codec.encode(event);
        } catch (RuntimeException e) {
            frame = null;
            result.completeExceptionally(unserializable(event, e));
        }
        synchronized (lock) {
            if (setSpilling()) {
                LOG.warn("pipeline '{}': dlq: the sink failed event {} retriably ({}); spilling to {}", pipeline,
                        event.getId(), Outcome.describe(cause), log.dir);
            }
            if (frame != null) {
                SpillLog.Append append = append(frame, event);
                append.ticket = seq;
                // Passed the fence already, on its way to the wrapped sink.
                if (log.reserve(append, false) == SpillLog.Reservation.TAKEN) {
                    append.done.whenComplete((v, e) -> {
                        if (e == null) {
                            result.complete(null);
                        } else {
                            result.completeExceptionally(Outcome.unwrap(e));
                        }
                    });
                    failedInFlight.put(seq, append);
                } else {
                    refusedFull.increment();
                    result.completeExceptionally(full());
                    // Later events whose failures came back first hold room already: they must not be stored
                    // ahead of this one, so they are refused too (the producer sends them again, in order).
                    var later = failedInFlight.tailMap(seq, false);
                    for (SpillLog.Append held : later.values()) {
                        refusedFull.increment();
                        log.refused(held, full());
                    }
                    later.clear();
                    // So are the events emitted after the spill began, queued behind the ones in flight: every one
                    // of them was emitted after this one.
                    for (SpillLog.Append queued : behind) {
                        refusedFull.increment();
                        log.refused(queued, full());
                    }
                    behind.clear();
                }
            }
            gate.decrementAndGet();
            releaseBarrier();
        }
        drainer.wake();
    }

    /**
     * @return the stage of a new event appended to the log, or null if the layer switched back to pass-through
     *     meanwhile
     */
    private CompletionStage<Void> spill(CloudEvent event) {
        byte[] frame;
        try {
            frame = codec.encode(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unserializable(event, e));
        }
        synchronized (lock) {
            long g = gate.get();
            if ((g & CLOSED) != 0) {
                refusedClosed.increment();
                return CompletableFuture.failedFuture(closed());
            }
            if ((g & SPILLING) == 0) {
                return null;
            }
            SpillLog.Append append = append(frame, event);
            switch (log.reserve(append, true)) {
                case TAKEN -> { }
                case FULL -> {
                    refusedFull.increment();
                    return CompletableFuture.failedFuture(full());
                }
                case BEHIND_REFUSED -> {
                    refusedOrder.increment();
                    return CompletableFuture.failedFuture(behindRefused());
                }
            }
            if ((g & IN_FLIGHT) == 0 && failedInFlight.isEmpty() && behind.isEmpty()) {
                log.append(append);
            } else {
                behind.add(append);
            }
            return append.done;
        }
    }

    /**
     * Once no pass-through event is in flight: appends the held failures in emit order, then what queued behind,
     * and wakes a closing thread. The caller holds the lock.
     */
    private void releaseBarrier() {
        if ((gate.get() & IN_FLIGHT) != 0) {
            return;
        }
        lock.notifyAll();
        for (SpillLog.Append append : failedInFlight.values()) {
            log.append(append);
        }
        failedInFlight.clear();
        for (SpillLog.Append append : behind) {
            log.append(append);
        }
        behind.clear();
    }

    /** @return whether this call started spilling */
    private boolean setSpilling() {
        while (true) {
            long g = gate.get();
            if ((g & SPILLING) != 0) {
                return false;
            }
            if (gate.compareAndSet(g, g | SPILLING)) {
                return true;
            }
        }
    }

    /**
     * Switches back to pass-through if the log is empty and nothing is in flight or queued. Called by the drainer.
     *
     * @return whether it switched now
     */
    boolean tryResume() {
        synchronized (lock) {
            long g = gate.get();
            if ((g & SPILLING) == 0 || (g & CLOSED) != 0 || (g & IN_FLIGHT) != 0 || !failedInFlight.isEmpty()
                    || !behind.isEmpty() || log.outstanding() != 0) {
                return false;
            }
            log.sealIfConsumed();
            while (!gate.compareAndSet(g, g & ~SPILLING)) {
                g = gate.get();
                if ((g & CLOSED) != 0) {
                    return false;
                }
            }
            LOG.info("pipeline '{}': dlq: spill log drained; events pass straight through again", pipeline);
            return true;
        }
    }

    private SpillLog.Append append(byte[] frame, CloudEvent event) {
        return new SpillLog.Append(frame, event.getId(), inner.orderKey(event), RefusedEvents.identity(event));
    }

    private BackpressureException behindRefused() {
        return new BackpressureException("dlq of pipeline '" + pipeline + "' refused an earlier event of the same"
                + " subject that has not been sent again; it goes first", settings.retryAfter);
    }

    /** @return the refusal of an event that cannot be written to the log; names the error, never the data */
    private JetconnectException unserializable(CloudEvent event, RuntimeException e) {
        LOG.warn("pipeline '{}': dlq: event {} cannot be written to the spill log ({}); refused", pipeline,
                event.getId(), Outcome.describe(e));
        return new JetconnectException("event " + event.getId() + " cannot be written to the spill log: "
                + Outcome.describe(e));
    }

    private BackpressureException full() {
        return new BackpressureException("dlq of pipeline '" + pipeline + "' is full (max-bytes "
                + settings.maxBytes + ")", settings.retryAfter);
    }

    private BackpressureException closed() {
        return new BackpressureException("dlq of pipeline '" + pipeline + "' is closed", settings.retryAfter);
    }

    /**
     * Refuses new events, waits (up to {@code close-timeout}) for the events in flight to the wrapped sink, lets
     * the writer finish its batch and the drainer its in-flight records, then closes the files. Spilled events stay
     * on disk for the next start. Does not close the wrapped sink.
     */
    @Override
    public void close() {
        long g;
        do {
            g = gate.get();
            if ((g & CLOSED) != 0) {
                return;
            }
        } while (!gate.compareAndSet(g, g | CLOSED));
        long deadline = System.nanoTime() + settings.closeTimeout.toNanos();
        synchronized (lock) {
            while ((gate.get() & IN_FLIGHT) != 0 && System.nanoTime() - deadline < 0) {
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if ((gate.get() & IN_FLIGHT) != 0) {
                LOG.warn("pipeline '{}': dlq: {} event(s) still in flight to the sink at close", pipeline,
                        gate.get() & IN_FLIGHT);
            }
        }
        log.close(settings.closeTimeout);
        drainer.stop(settings.closeTimeout);
        quarantine.close(settings.closeTimeout);
        LOG.info("pipeline '{}': dlq closed; {} event(s) stay spilled in {}", pipeline, log.depth(), log.dir);
    }

    /** Stops every thread at once without flushing or checkpointing, as {@code kill -9} would. For tests. */
    void halt() {
        gate.getAndUpdate(g -> g | CLOSED);
        drainer.halt();
        log.halt();
        quarantine.close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "dlq[" + log.dir + "] -> " + inner;
    }
}
