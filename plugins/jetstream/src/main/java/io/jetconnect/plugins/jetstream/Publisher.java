package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, pipelined window between {@code emit} and JetStream.
 *
 * <p>Every accepted event joins one window in emit order and, while all is well ({@link Mode#RUNNING}), is handed
 * to the connection at once as a request (what jnats' {@code publishAsync} sends), under the same lock, so the
 * connection carries the events in window order and up to {@code max-in-flight} PubAcks are outstanding. A PubAck
 * ({@link PubAcks}) completes its event's stage on jnats' thread without taking the lock.
 *
 * <p>The first retriable failure switches to {@link Mode#RECOVERING}: new events queue behind the window unsent;
 * a transport failure closes the connection, which settles everything still in flight on it at once (see
 * {@link NatsConnector} for why a connection is never reused after one); once nothing is in flight, the failed
 * events are re-published in window order after the configured wait (100 ms, then 400 ms), on a new connection if
 * needed, and only when all of them are stored do the queued ones follow and the window runs again.
 * {@code Nats-Msg-Id} makes re-sends of events the stream already stored harmless. When an event has been tried
 * {@code retry.attempts} times the circuit opens ({@link Mode#OPEN}): the failed and queued events complete with
 * a {@link RetriableException} in order, and further events fail at once with a {@link BackpressureException}
 * until the {@link CircuitBreaker} lets one through as a probe ({@link Mode#PROBING}); its success closes the
 * circuit. A watchdog treats a PubAck older than {@code ack-timeout} as a broken connection.
 *
 * <p>Order across failures: a recovery round re-publishes the oldest failed event alone and the others once it is
 * stored (a broker that just restarted may refuse one publish and store the one pipelined behind it). Events the
 * circuit failed are {@linkplain OwedEvents owed}, per subject: of a subject that owes events only the oldest owed
 * one is accepted (as the probe, while the circuit is open), any newer one of that subject is refused retriably,
 * until they are offered again or their producer has left them for {@code owed-patience}; so nothing is stored
 * before an older event of its subject that the stream has not stored. Other subjects flow, and their events may be
 * the probe: nothing of theirs is owed.
 *
 * <p>Threads: emitting threads take the lock briefly and never wait on I/O; connecting, closing connections,
 * waiting between attempts and the watchdog run on one control thread (the context's
 * {@code jetconnect-<pipeline>-jetstream-1}); PubAcks arrive on jnats' threads.
 */
final class Publisher {

    /** Where the window stands; written under the lock, read anywhere. */
    enum Mode { RUNNING, RECOVERING, OPEN, PROBING, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    private final SinkSettings settings;
    private final NatsConnector connector;
    private final CircuitBreaker breaker;
    private final SinkMetrics metrics;
    private final String pipeline;
    private final String streamName;
    private final long ackTimeoutNanos;
    private final ScheduledExecutorService control;
    private final ScheduledFuture<?> watchdog;

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private volatile Mode mode = Mode.RUNNING;
    private volatile boolean closing;

    // Guarded by lock.
    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    private final OwedEvents owed;
    private ConnectionEpoch epoch;
    /** The first event re-published after a failure, alone; the others follow once it is stored. */
    private Pending lead;
    /** An epoch that failed and must be closed before anything is re-published. */
    private ConnectionEpoch doomed;
    private boolean resendScheduled;

    /**
     * @param epoch the connection opened (and checked) at {@code open()}
     */
    Publisher(SinkSettings settings, NatsConnector connector, ConnectionEpoch epoch, CircuitBreaker breaker,
              SinkMetrics metrics, String pipeline, String streamName, ThreadFactory threads) {
        this.settings = settings;
        this.connector = connector;
        this.epoch = epoch;
        this.breaker = breaker;
        this.metrics = metrics;
        this.pipeline = pipeline;
        this.streamName = streamName;
        this.ackTimeoutNanos = settings.ackTimeout().toNanos();
        this.owed = new OwedEvents(settings.owedPatience().toNanos());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threads);
        executor.setRemoveOnCancelPolicy(true);
        this.control = executor;
        long period = Math.max(10_000_000L, Math.min(1_000_000_000L, ackTimeoutNanos / 4));
        this.watchdog = executor.scheduleWithFixedDelay(this::watchdog, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * @return whether an event would be refused right now without being looked at (circuit open, no probe due),
     *     so that the caller need not encode it
     */
    boolean refusesNow() {
        Mode m = mode;
        return m == Mode.PROBING || m == Mode.OPEN && !breaker.mayPass() || m == Mode.CLOSED || closing;
    }

    /** @return a stage failed the way {@link #submit} fails events it refuses now */
    CompletableFuture<Void> refuse() {
        metrics.failed.increment();
        if (mode == Mode.CLOSED || closing) {
            return CompletableFuture.failedFuture(new RetriableException("the jetstream sink is closed"));
        }
        return CompletableFuture.failedFuture(circuitOpen());
    }

    /**
     * Accepts an event into the window. Never blocks on I/O.
     *
     * @return its stage
     */
    CompletableFuture<Void> submit(Pending p) {
        lock.lock();
        try {
            if (closing) {
                return refuse();
            }
            if (!owed.isEmpty() && !owed.mayAccept(p.subject, p.messageId(), System.nanoTime())) {
                return refuseOwed(p);
            }
            switch (mode) {
                case RUNNING -> {
                    if (!hasRoom()) {
                        return backpressure();
                    }
                    window.addLast(p);
                    send(p);
                }
                case RECOVERING -> {
                    if (!hasRoom()) {
                        return backpressure();
                    }
                    window.addLast(p);
                }
                case OPEN -> {
                    if (breaker.tryAcquire() != CircuitBreaker.Permit.PROBE) {
                        return refuse();
                    }
                    mode = Mode.PROBING;
                    window.addLast(p);
                    execute(this::probe);
                }
                default -> {
                    return refuse();
                }
            }
            if (!owed.isEmpty()) {
                owed.accepted(p.subject, p.messageId());
            }
            return p.stage;
        } finally {
            lock.unlock();
        }
    }

    private boolean hasRoom() {
        Pending head;
        while ((head = window.peekFirst()) != null && head.kind() == Pending.DONE) {
            window.pollFirst();
        }
        return window.size() < settings.maxInFlight();
    }

    private CompletableFuture<Void> backpressure() {
        metrics.failed.increment();
        return CompletableFuture.failedFuture(new BackpressureException("the jetstream sink already holds "
                + settings.maxInFlight() + " events (max-in-flight)", settings.backoffInitial()));
    }

    /** Refuses an event because older ones it failed are owed: storing it now would overtake them. Lock held. */
    private CompletableFuture<Void> refuseOwed(Pending p) {
        metrics.failed.increment();
        return CompletableFuture.failedFuture(new RetriableException("event " + p.id + " is not published to "
                + p.subject + " before " + owed.size(p.subject) + " older event(s) of that subject that stream "
                + streamName + " has not stored, from Nats-Msg-Id " + owed.oldest(p.subject) + " on, are sent again"));
    }

    private CircuitOpenException circuitOpen() {
        long remaining = breaker.remainingNanos();
        return new CircuitOpenException("the circuit to NATS is open (stream " + streamName + "); next probe in "
                + TimeUnit.NANOSECONDS.toMillis(remaining) + " ms", Duration.ofNanos(Math.max(remaining,
                settings.backoffInitial().toNanos())));
    }

    /** Sends one event of the window on the current connection. Lock held. */
    private void send(Pending p) {
        ConnectionEpoch e = epoch;
        if (p.attempts() > 0) {
            metrics.retries.increment();
        }
        int sent = ((p.attempts() + 1) << 2) | Pending.IN_FLIGHT;
        p.epoch = e;
        p.sentNanos = System.nanoTime();
        p.state(sent);
        inFlight.incrementAndGet();
        if (e == null) {
            settle(p, sent, null, new IllegalStateException("not connected"));
            return;
        }
        if (p.body.length > e.maxPayload()) {
            settle(p, sent, null, new IllegalArgumentException("the message body has " + p.body.length
                    + " bytes, more than the server's max_payload of " + e.maxPayload()));
            return;
        }
        CompletableFuture<Message> reply;
        try {
            // A request, as publishAsync makes, whose reply PubAcks reads without jnats' JSON tree.
            reply = e.connection().request(p.subject, p.headers, p.body);
        } catch (RuntimeException failure) {
            settle(p, sent, null, failure);
            return;
        }
        reply.whenComplete(sent == Pending.FIRST_SEND ? p : new Pending.Resend(p, sent));
    }

    /**
     * Settles one send of an event: its reply arrived, or the send failed. Called on jnats' threads, or
     * synchronously by {@link #send} with the lock held.
     *
     * @param sentState the state the event was sent with; anything else means this answer is stale
     * @param reply the server's reply, when {@code error} is null
     */
    void settle(Pending p, int sentState, Message reply, Throwable error) {
        boolean duplicate = false;
        if (error == null) {
            try {
                duplicate = PubAcks.duplicate(reply);
            } catch (IOException | JetStreamApiException | RuntimeException refused) {
                // Never thrown out of here: on jnats' thread, the event would wait for the watchdog.
                error = refused;
            }
        }
        if (error == null) {
            if (!p.transition(sentState, Pending.withKind(sentState, Pending.DONE))) {
                return;
            }
            inFlight.decrementAndGet();
            p.body = null;
            metrics.publish.recordNanos(System.nanoTime() - p.startNanos);
            (duplicate ? metrics.duplicate : metrics.published).increment();
            p.stage.complete(null);
            if (mode != Mode.RUNNING) {
                requestReconcile();
            }
            return;
        }
        PublishErrors.Failure failure = PublishErrors.classify(error);
        lock.lock();
        try {
            int next = Pending.withKind(sentState, failure.permanent() ? Pending.DONE : Pending.FAILED);
            if (!p.transition(sentState, next)) {
                return;
            }
            inFlight.decrementAndGet();
            if (failure.permanent()) {
                p.body = null;
                metrics.rejected.increment();
                p.stage.completeExceptionally(new JetconnectException(failure.message()));
            } else {
                p.lastFailure = failure;
                if (failure.kind() == PublishErrors.Kind.TRANSPORT && p.epoch != null && p.epoch == epoch) {
                    doomed = epoch;
                }
                if (mode == Mode.RUNNING) {
                    mode = Mode.RECOVERING;
                    LOG.warn("Pipeline {}: publishing to stream {} failed ({}); holding new events and "
                            + "re-publishing in order", pipeline, streamName, failure.message());
                }
            }
        } finally {
            lock.unlock();
        }
        if (mode != Mode.RUNNING) {
            requestReconcile();
        }
    }

    private void requestReconcile() {
        if (reconcileQueued.compareAndSet(false, true)) {
            execute(this::reconcile);
        }
    }

    private void execute(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException closed) {
            // the sink is closed: whatever is left was failed by close()
        }
    }

    /** Closes a failed connection if there is one, then moves recovery or the probe on. Control thread. */
    private void reconcile() {
        reconcileQueued.set(false);
        ConnectionEpoch toClose;
        lock.lock();
        try {
            toClose = doomed;
            doomed = null;
            if (toClose == null) {
                advance();
                return;
            }
            if (epoch == toClose) {
                epoch = null;
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: closing cancels the connection's PubAcks, whose callbacks take the lock.
        toClose.close();
        lock.lock();
        try {
            failInFlight(toClose);
            advance();
        } finally {
            lock.unlock();
        }
    }

    /** Settles as failed whatever a closed connection left in flight. Lock held. */
    private void failInFlight(ConnectionEpoch closed) {
        for (Pending p : window) {
            int s = p.state();
            if ((s & 3) == Pending.IN_FLIGHT && p.epoch == closed
                    && p.transition(s, Pending.withKind(s, Pending.FAILED))) {
                p.lastFailure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT, "the connection was closed");
                inFlight.decrementAndGet();
            }
        }
    }

    /** Lock held. */
    private void advance() {
        switch (mode) {
            case RECOVERING -> planRound();
            case PROBING -> {
                Pending probe = window.peekFirst();
                if (probe != null && (probe.kind() == Pending.DONE || probe.kind() == Pending.FAILED)) {
                    finishProbe(probe);
                }
            }
            default -> {
            }
        }
    }

    /** Once nothing is in flight: resume, schedule the next attempt, or open the circuit. Lock held. */
    private void planRound() {
        if (mode != Mode.RECOVERING || resendScheduled || doomed != null || inFlight.get() != 0) {
            return;
        }
        Pending stored = lead;
        lead = null;
        if (stored != null && stored.kind() == Pending.DONE) {
            // The lead got through: the rest of the failed events follow at once, pipelined, in order.
            for (Pending p : window) {
                if (mode != Mode.RECOVERING) {
                    return;
                }
                if (p.kind() == Pending.FAILED) {
                    send(p);
                }
            }
            if (inFlight.get() != 0) {
                return;
            }
        }
        Pending first = null;
        int attempts = 0;
        for (Pending p : window) {
            if (p.kind() == Pending.FAILED) {
                if (first == null) {
                    first = p;
                }
                attempts = Math.max(attempts, p.attempts());
            }
        }
        if (first == null) {
            resume();
            return;
        }
        if (attempts >= settings.retryAttempts()) {
            openCircuit(first.lastFailure);
            return;
        }
        resendScheduled = true;
        try {
            control.schedule(this::resend, settings.waitAfter(attempts).toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            resendScheduled = false;
        }
    }

    /** Every failed event is stored again: send the queued ones, in order, and run. Lock held. */
    private void resume() {
        mode = Mode.RUNNING;
        LOG.info("Pipeline {}: publishing to stream {} recovered", pipeline, streamName);
        for (Pending p : window) {
            if (mode != Mode.RUNNING) {
                break; // a send failed at once; the rest stay queued for the next round
            }
            if (p.kind() == Pending.UNSENT) {
                send(p);
            }
        }
    }

    /** Re-publishes the failed events in order, on a new connection if the last one is gone. Control thread. */
    private void resend() {
        ConnectionEpoch current;
        lock.lock();
        try {
            resendScheduled = false;
            if (mode != Mode.RECOVERING) {
                return;
            }
            current = epoch;
        } finally {
            lock.unlock();
        }
        if (!ensureConnected(current, e -> {
            countFailedAttempt(e);
            planRound();
        })) {
            return;
        }
        lock.lock();
        try {
            if (mode != Mode.RECOVERING) {
                return;
            }
            for (Pending p : window) {
                if (p.kind() == Pending.FAILED) {
                    // The oldest alone first: a broker that just restarted may refuse one publish and store the
                    // next one pipelined behind it, which would overtake it.
                    lead = p;
                    send(p);
                    break;
                }
            }
            planRound(); // in case the send failed at once
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces a connection that is gone (or missing) by a fresh one. Control thread.
     *
     * @param onFailure what a failed attempt means for the caller, run with the lock held
     * @return whether a usable connection is installed
     */
    private boolean ensureConnected(ConnectionEpoch current, java.util.function.Consumer<Exception> onFailure) {
        if (current != null && current.connected()) {
            return true;
        }
        if (current != null) {
            current.close();
        }
        ConnectionEpoch fresh;
        try {
            fresh = connector.connect();
        } catch (IOException | InterruptedException | RuntimeException e) {
            lock.lock();
            try {
                if (current != null && epoch == current) {
                    epoch = null;
                }
                onFailure.accept(e);
            } finally {
                lock.unlock();
            }
            return false;
        }
        return install(fresh);
    }

    /** A connection attempt failed: it counts as one attempt of every failed event. Lock held. */
    private void countFailedAttempt(Exception e) {
        PublishErrors.Failure failure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT,
                PublishErrors.describe(e));
        for (Pending p : window) {
            int s = p.state();
            if ((s & 3) == Pending.FAILED) {
                p.state(((p.attempts() + 1) << 2) | Pending.FAILED);
                p.lastFailure = failure;
                metrics.retries.increment();
            }
        }
    }

    /** Makes a new connection the current one, unless the sink closed meanwhile. Control thread. */
    private boolean install(ConnectionEpoch fresh) {
        lock.lock();
        try {
            if (mode != Mode.CLOSED) {
                epoch = fresh;
                return true;
            }
        } finally {
            lock.unlock();
        }
        fresh.close();
        return false;
    }

    /**
     * Takes a connection the {@link ConnectionWatch} made once the server was back: it replaces a lost one while
     * nothing is in flight, and closes an open circuit at once instead of at its next probe.
     *
     * @return whether it was taken; when not (a probe or a recovery round is reconnecting), the caller keeps it
     */
    boolean reconnected(ConnectionEpoch fresh) {
        ConnectionEpoch old;
        lock.lock();
        try {
            boolean idle = mode == Mode.RUNNING && inFlight.get() == 0;
            if (!idle && mode != Mode.OPEN) {
                return false;
            }
            old = epoch;
            epoch = fresh;
            if (mode == Mode.OPEN) {
                breaker.onSuccess();
                mode = Mode.RUNNING;
                owed.postpone(System.nanoTime());
                LOG.info("Pipeline {}: NATS is back; circuit to stream {} closed", pipeline, streamName);
            }
        } finally {
            lock.unlock();
        }
        if (old != null && old != fresh) {
            old.close();
        }
        return true;
    }

    /** Retries are exhausted: open the circuit and fail everything held, in order. Lock held. */
    private void openCircuit(PublishErrors.Failure last) {
        breaker.onFailure();
        mode = Mode.OPEN;
        String why = last == null ? "unknown failure" : last.message();
        LOG.warn("Pipeline {}: publishing to stream {} failed {} times ({}); circuit open, next probe in {} ms",
                pipeline, streamName, settings.retryAttempts(), why,
                TimeUnit.NANOSECONDS.toMillis(breaker.remainingNanos()));
        RetriableException failure = new RetriableException("not stored in stream " + streamName + " after "
                + settings.retryAttempts() + " attempts: " + why);
        Map<String, List<String>> failed = new HashMap<>();
        for (Pending p : window) {
            if (p.kind() != Pending.DONE) {
                failed.computeIfAbsent(p.subject, s -> new ArrayList<>()).add(p.messageId());
            }
        }
        long now = System.nanoTime();
        failed.forEach((subject, ids) -> owed.oweFirst(subject, ids, now));
        // Until the next probe every event is refused unseen: its producer cannot be heard offering the owed ones.
        owed.postpone(now + breaker.remainingNanos());
        for (Pending p : window) {
            int s = p.state();
            if ((s & 3) != Pending.DONE) {
                p.state(Pending.withKind(s, Pending.DONE));
                p.body = null;
                metrics.failed.increment();
                p.stage.completeExceptionally(failure);
            }
        }
        window.clear();
    }

    /** Connects if needed and sends the probe. Control thread. */
    private void probe() {
        ConnectionEpoch current;
        lock.lock();
        try {
            if (mode != Mode.PROBING) {
                return;
            }
            current = epoch;
        } finally {
            lock.unlock();
        }
        if (!ensureConnected(current, e -> {
            Pending probe = window.peekFirst();
            if (mode == Mode.PROBING && probe != null) {
                probe.lastFailure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT,
                        PublishErrors.describe(e));
                probe.state(Pending.withKind(probe.state(), Pending.FAILED));
                finishProbe(probe);
            }
        })) {
            return;
        }
        lock.lock();
        try {
            Pending probe = window.peekFirst();
            if (mode == Mode.PROBING && probe != null && probe.kind() == Pending.UNSENT) {
                send(probe);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The probe is settled: close the circuit, or keep it open for longer. Lock held. */
    private void finishProbe(Pending probe) {
        window.clear();
        if (probe.kind() == Pending.DONE) {
            // Stored, or refused for good by a server that answered: either way the way to it works.
            breaker.onSuccess();
            mode = Mode.RUNNING;
            owed.postpone(System.nanoTime()); // events were refused unseen while the probe was under way
            LOG.info("Pipeline {}: circuit to stream {} closed; publishing resumed", pipeline, streamName);
            return;
        }
        breaker.onFailure();
        mode = Mode.OPEN;
        String why = probe.lastFailure == null ? "unknown failure" : probe.lastFailure.message();
        LOG.debug("Pipeline {}: probe of stream {} failed ({}); next in {} ms", pipeline, streamName, why,
                TimeUnit.NANOSECONDS.toMillis(breaker.remainingNanos()));
        probe.state(Pending.withKind(probe.state(), Pending.DONE));
        probe.body = null;
        long now = System.nanoTime();
        owed.oweFirst(probe.subject, List.of(probe.messageId()), now);
        owed.postpone(now + breaker.remainingNanos());
        metrics.failed.increment();
        probe.stage.completeExceptionally(new RetriableException("not stored in stream " + streamName
                + ": the circuit is open and its probe failed (" + why + ")"));
    }

    /**
     * Treats a PubAck older than ack-timeout as a broken connection, and forgets the owed events of subjects whose
     * producer gave them up. Control thread.
     */
    private void watchdog() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (!owed.isEmpty()) {
                owed.expire(now);
            }
            if (mode == Mode.CLOSED || mode == Mode.OPEN) {
                return;
            }
            for (Pending p : window) {
                if (p.kind() != Pending.IN_FLIGHT) {
                    continue;
                }
                if (now - p.sentNanos > ackTimeoutNanos && p.epoch != null && p.epoch == epoch) {
                    doomed = epoch;
                    if (mode == Mode.RUNNING) {
                        mode = Mode.RECOVERING;
                        LOG.warn("Pipeline {}: no PubAck from stream {} within {}; reconnecting and "
                                + "re-publishing in order", pipeline, streamName, settings.ackTimeout());
                    }
                    requestReconcile();
                }
                break; // only the oldest event in flight matters
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting events, waits up to {@code ack-timeout} for those held to complete, fails the rest with a
     * {@link RetriableException} and closes the connection.
     */
    void close() {
        Duration grace = settings.ackTimeout();
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        lock.lock();
        try {
            if (mode == Mode.CLOSED) {
                return;
            }
            closing = true;
            for (Pending p : window) {
                if (p.kind() != Pending.DONE) {
                    stages.add(p.stage);
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0]))
                    .get(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // failures are the events' own business; the rest is failed below
        }
        ConnectionEpoch last;
        lock.lock();
        try {
            mode = Mode.CLOSED;
            last = epoch;
            epoch = null;
            RetriableException failure = new RetriableException("the jetstream sink closed before stream "
                    + streamName + " acknowledged the event");
            for (Pending p : window) {
                int s = p.state();
                if ((s & 3) != Pending.DONE && p.transition(s, Pending.withKind(s, Pending.DONE))) {
                    metrics.failed.increment();
                    p.stage.completeExceptionally(failure);
                }
            }
            window.clear();
        } finally {
            lock.unlock();
        }
        watchdog.cancel(false);
        control.shutdownNow();
        if (last != null) {
            last.close();
        }
    }
}
