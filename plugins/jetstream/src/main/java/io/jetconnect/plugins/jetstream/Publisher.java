package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, pipelined path from {@code emit} to JetStream: a {@link PublishWindow} (the shared ordered window),
 * a {@link ConnectionSlot}, a {@link RecoveryPolicy} and the {@link CircuitBreaker}, driven through the
 * {@link Mode}s below.
 *
 * <p>While all is well ({@link Mode#RUNNING}) every accepted event joins the window in emit order and is handed
 * to the connection at once as a request (what jnats' {@code publishAsync} sends), under the same lock, so the
 * connection carries the events in window order and up to {@code max-in-flight} PubAcks are outstanding. A PubAck
 * ({@link PubAcks}) settles its event on jnats' thread without taking the lock.
 *
 * <p>The first retriable failure fences the window and switches to {@link Mode#RECOVERING}: new events are held
 * behind the window unsent; a transport failure dooms the connection, whose closing settles everything still in
 * flight on it at once. Once nothing is in flight the window rewinds, and the events to send again go out in
 * window order after the wait the policy gives (100 ms, then 400 ms), on a new connection if needed: the oldest
 * alone (a broker that just restarted may refuse one publish and store the one pipelined behind it), the others
 * once it is stored; only when all are stored do the held ones follow and the window runs again.
 * {@code Nats-Msg-Id} makes re-sends of events the stream already stored harmless. When an event has been tried
 * {@code retry.attempts} times the circuit opens ({@link Mode#OPEN}): the window's events complete with a
 * {@link RetriableException} in order, and further events fail at once with a {@link BackpressureException} until
 * the breaker lets one through as a probe ({@link Mode#PROBING}); its success closes the circuit. A watchdog treats
 * a PubAck older than {@code ack-timeout} as a broken connection.
 *
 * <p>The first event on a connection made after an outage goes alone, whichever way the connection was made (a
 * recovery round, a probe, the {@link ConnectionWatch}): the others wait until it is stored.
 *
 * <p>Order across an open circuit: events the circuit failed are {@linkplain OwedEvents owed}, per subject: of a
 * subject that owes events only the oldest owed one is accepted (as the probe, while the circuit is open), any
 * newer one of that subject is refused retriably, until they are offered again or their producer has left them for
 * {@code owed-patience}; so nothing is stored before an older event of its subject that the stream has not stored.
 * Other subjects flow, and their events may be the probe: nothing of theirs is owed.
 *
 * <p>Threads: emitting threads take the lock briefly and never wait on I/O; connecting, closing connections,
 * waiting between attempts and the watchdog run on one {@link Control} thread (the context's
 * {@code jetconnect-<pipeline>-jetstream-1}); PubAcks arrive on jnats' threads.
 */
final class Publisher {

    /** Where the publisher stands; written under the lock, read anywhere. */
    enum Mode { RUNNING, RECOVERING, OPEN, PROBING, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    private final SinkSettings settings;
    private final RecoveryPolicy policy;
    private final CircuitBreaker breaker;
    private final SinkMetrics metrics;
    private final String pipeline;
    private final String streamName;
    private final Control control;
    private final LongSupplier clock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Events sent and not answered: a round ends when none are left. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private volatile Mode mode = Mode.RUNNING;
    private volatile boolean closing;

    // Guarded by lock.
    private final PublishWindow window;
    private final ConnectionSlot slot;
    private final OwedEvents owed;
    /** The first event sent again in a round, alone; the others follow once it is stored. */
    private Pending lead;
    /** The connection was made after an outage and nothing was sent on it yet: its first event goes alone. */
    private boolean aloneFirst;
    private boolean resendScheduled;

    /**
     * @param connector opens a connection when the current one is lost
     * @param first the connection opened (and checked) at {@code open()}
     * @param control the control thread; the publisher shuts it down on {@link #close()}
     * @param clock {@link System#nanoTime()}, or a test's
     */
    Publisher(SinkSettings settings, ConnectionSlot.Connector connector, ConnectionEpoch first,
              CircuitBreaker breaker, SinkMetrics metrics, String pipeline, String streamName, Control control,
              LongSupplier clock) {
        this.settings = settings;
        this.policy = RecoveryPolicy.of(settings);
        this.breaker = breaker;
        this.metrics = metrics;
        this.pipeline = pipeline;
        this.streamName = streamName;
        this.control = control;
        this.clock = clock;
        this.window = new PublishWindow(settings.maxInFlight());
        this.slot = new ConnectionSlot(connector, first, lock);
        this.owed = new OwedEvents(settings.owedPatience().toNanos());
        control.every(this::watchdog, policy.watchdogPeriodNanos());
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
            if (!owed.isEmpty() && refusedByOwed(p)) {
                return refuseOwed(p);
            }
            switch (mode) {
                case RUNNING -> {
                    if (!window.hasRoom()) {
                        return backpressure();
                    }
                    window.submit(p);
                    if (aloneFirst) {
                        // As a recovery round's lead: the others wait until it is stored (see reconnected).
                        aloneFirst = false;
                        mode = Mode.RECOVERING;
                        lead = p;
                    }
                    send(p);
                }
                case RECOVERING -> {
                    if (!window.hasRoom()) {
                        return backpressure();
                    }
                    window.hold(p);
                }
                case OPEN -> {
                    if (breaker.tryAcquire() != CircuitBreaker.Permit.PROBE) {
                        return refuse();
                    }
                    mode = Mode.PROBING;
                    window.submit(p);
                    control.execute(this::probe);
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

    /** @return whether events the circuit failed and still owes keep this one out. Lock held. */
    private boolean refusedByOwed(Pending p) {
        String id = p.messageId();
        return !owed.mayAccept(p.subject, id, clock.getAsLong()) && !window.storedLately(p.subject, id);
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
        ConnectionEpoch e = slot.current();
        if (p.attempts() > 0) {
            metrics.retries.increment();
        }
        int sent = Pending.state(p.attempts() + 1, Pending.IN_FLIGHT);
        p.epoch = e;
        p.sentNanos = clock.getAsLong();
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
     * The last answer of a burst came: passes the window's floor over the done events now rather than at the
     * sink's next emit, which may be long in coming, so that they are not kept alive meanwhile (a hundred busy
     * pipelines each holding its last batch made every young collection copy them). Only if the lock is free: a
     * holder is emitting, and advances the window itself. Never from under the lock: an answer that came before
     * {@code whenComplete} was attached settles on the sending thread, which may be walking the window's events
     * ({@link #sendOwed}), and the lock is reentrant.
     */
    private void passDone() {
        if (!lock.isHeldByCurrentThread() && lock.tryLock()) {
            try {
                window.hasRoom();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Sends, in window order, the events to send again, until one fails at once. Lock held. */
    private void sendOwed() {
        for (Pending p : window.submitted()) {
            if (window.fenced()) {
                return; // the rest are failed unsent at the end of the round
            }
            if (p.kind() == Pending.UNSENT) {
                send(p);
            }
        }
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
            p.release();
            p.stored = true; // before the window's volatile settle, which publishes it to the lock holder
            window.succeeded(p);
            int left = inFlight.decrementAndGet(); // after the window: a round that sees none in flight may rewind
            metrics.publish.recordNanos(clock.getAsLong() - p.startNanos);
            (duplicate ? metrics.duplicate : metrics.published).increment();
            p.stage.complete(null);
            if (left == 0) {
                passDone();
            }
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
            if (failure.permanent()) {
                p.release();
                window.succeeded(p); // finished with: the stream will never take it
                inFlight.decrementAndGet();
                metrics.rejected.increment();
                p.stage.completeExceptionally(new JetconnectException(failure.message()));
            } else {
                p.lastFailure = failure;
                window.failed(p);
                inFlight.decrementAndGet();
                if (failure.kind() == PublishErrors.Kind.TRANSPORT) {
                    slot.doom(p.epoch);
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
            control.execute(this::reconcile);
        }
    }

    /** Closes a doomed connection if there is one, then moves recovery or the probe on. Control thread. */
    private void reconcile() {
        reconcileQueued.set(false);
        ConnectionEpoch toClose;
        lock.lock();
        try {
            toClose = slot.takeDoomed();
            if (toClose == null) {
                advance();
                return;
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
        for (Pending p : window.submitted()) {
            int s = p.state();
            if (Pending.kindOf(s) == Pending.IN_FLIGHT && p.epoch == closed
                    && p.transition(s, Pending.withKind(s, Pending.FAILED))) {
                p.lastFailure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT, "the connection was closed");
                window.failed(p);
                inFlight.decrementAndGet();
            }
        }
    }

    /** Lock held. */
    private void advance() {
        switch (mode) {
            case RECOVERING -> planRound();
            case PROBING -> {
                // An answer's thread marks the probe done before it settles the window, without the lock: only once
                // nothing is in flight is a done probe done with (its own settle asks for a reconcile then).
                if (inFlight.get() != 0) {
                    return;
                }
                Pending probe = window.oldestUnsettled();
                if (probe == null || probe.kind() == Pending.FAILED) {
                    finishProbe();
                }
            }
            default -> {
            }
        }
    }

    /** Once nothing is in flight: send the rest after a stored lead, or rewind and take the policy's step. Lock held */
    private void planRound() {
        if (mode != Mode.RECOVERING || resendScheduled || slot.doomed() || inFlight.get() != 0) {
            return;
        }
        Pending stored = lead;
        lead = null;
        if (stored != null && stored.stored && !window.fenced()) {
            // The lead was stored: the rest of the events to send again follow at once, pipelined, in order. (One
            // the client refused for good proved nothing of the connection: the next goes alone after the wait.)
            sendOwed();
            if (inFlight.get() != 0) {
                return;
            }
        }
        if (window.fenced()) {
            window.rewind();
        }
        int owedEvents = 0;
        int mostAttempts = 0;
        Pending oldest = null;
        for (Pending p : window.submitted()) {
            if (p.kind() == Pending.UNSENT) {
                owedEvents++;
                mostAttempts = Math.max(mostAttempts, p.attempts());
                if (oldest == null) {
                    oldest = p;
                }
            }
        }
        RecoveryPolicy.Step step = policy.afterRound(owedEvents, mostAttempts);
        if (step instanceof RecoveryPolicy.Retry retry) {
            resendScheduled = control.schedule(this::resend, retry.waitNanos());
        } else if (step instanceof RecoveryPolicy.Open) {
            openCircuit(oldest.lastFailure);
        } else {
            resume();
        }
    }

    /** Every event sent again is stored: send the held ones, in order, and run. Lock held. */
    private void resume() {
        mode = Mode.RUNNING;
        LOG.info("Pipeline {}: publishing to stream {} recovered", pipeline, streamName);
        for (Pending p : window.release()) {
            if (mode != Mode.RUNNING) {
                break; // a send failed at once; the rest are failed unsent at the end of the next round
            }
            send(p);
        }
    }

    /** Sends the oldest owed event again, alone, on a new connection if the last one is gone. Control thread. */
    private void resend() {
        lock.lock();
        try {
            resendScheduled = false;
            if (mode != Mode.RECOVERING) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (!slot.ensureConnected(e -> {
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
            for (Pending p : window.submitted()) {
                if (p.kind() == Pending.UNSENT) {
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

    /** A connection attempt failed: it counts as one attempt of every event to send again. Lock held. */
    private void countFailedAttempt(Exception e) {
        PublishErrors.Failure failure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT,
                PublishErrors.describe(e));
        for (Pending p : window.submitted()) {
            int s = p.state();
            if (Pending.kindOf(s) == Pending.UNSENT) {
                p.state(Pending.state(p.attempts() + 1, Pending.UNSENT));
                p.lastFailure = failure;
                metrics.retries.increment();
            }
        }
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
            old = slot.replace(fresh);
            // A server that just came back may refuse one publish and store the next one pipelined behind it.
            aloneFirst = true;
            if (mode == Mode.OPEN) {
                breaker.onSuccess();
                mode = Mode.RUNNING;
                owed.postpone(clock.getAsLong());
                LOG.info("Pipeline {}: NATS is back; circuit to stream {} closed", pipeline, streamName);
            }
        } finally {
            lock.unlock();
        }
        if (old != null) {
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
                pipeline, streamName, policy.retryAttempts(), why,
                TimeUnit.NANOSECONDS.toMillis(breaker.remainingNanos()));
        RetriableException failure = new RetriableException("not stored in stream " + streamName + " after "
                + policy.retryAttempts() + " attempts: " + why);
        List<Pending> failed = window.unsettled();
        long now = clock.getAsLong();
        owe(failed, now);
        window.clear();
        // Until the next probe every event is refused unseen: its producer cannot be heard offering the owed ones.
        owed.postpone(now + breaker.remainingNanos());
        for (Pending p : failed) {
            fail(p, failure);
        }
    }

    /** Records the events the circuit fails as owed, per subject in window order. Lock held. */
    private void owe(List<Pending> failed, long now) {
        Map<String, List<String>> bySubject = new HashMap<>();
        for (Pending p : failed) {
            bySubject.computeIfAbsent(p.subject, s -> new ArrayList<>()).add(p.messageId());
        }
        bySubject.forEach((subject, ids) -> owed.oweFirst(subject, ids, now));
    }

    /** Completes an event the sink gives up on; its state moves to done first, so no late answer touches it. */
    private void fail(Pending p, RetriableException failure) {
        int s = p.state();
        if (Pending.kindOf(s) != Pending.DONE && p.transition(s, Pending.withKind(s, Pending.DONE))) {
            p.release();
            metrics.failed.increment();
            p.stage.completeExceptionally(failure);
        }
    }

    /** Connects if needed and sends the probe. Control thread. */
    private void probe() {
        lock.lock();
        try {
            if (mode != Mode.PROBING) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (!slot.ensureConnected(e -> {
            Pending probe = window.oldestUnsettled();
            if (mode == Mode.PROBING && probe != null) {
                probe.lastFailure = new PublishErrors.Failure(PublishErrors.Kind.TRANSPORT,
                        PublishErrors.describe(e));
                finishProbe();
            }
        })) {
            return;
        }
        lock.lock();
        try {
            Pending probe = window.oldestUnsettled();
            if (mode == Mode.PROBING && probe != null && probe.kind() == Pending.UNSENT) {
                send(probe);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The probe is settled, or could not be sent: close the circuit, or keep it open for longer. The window holds
     * the probe alone. Lock held.
     */
    private void finishProbe() {
        List<Pending> unstored = window.unsettled();
        if (unstored.isEmpty()) {
            window.clear();
            // Stored, or refused for good by a server that answered: either way the way to it works.
            breaker.onSuccess();
            mode = Mode.RUNNING;
            owed.postpone(clock.getAsLong()); // events were refused unseen while the probe was under way
            LOG.info("Pipeline {}: circuit to stream {} closed; publishing resumed", pipeline, streamName);
            return;
        }
        Pending probe = unstored.get(0);
        breaker.onFailure();
        mode = Mode.OPEN;
        String why = probe.lastFailure == null ? "unknown failure" : probe.lastFailure.message();
        LOG.debug("Pipeline {}: probe of stream {} failed ({}); next in {} ms", pipeline, streamName, why,
                TimeUnit.NANOSECONDS.toMillis(breaker.remainingNanos()));
        long now = clock.getAsLong();
        owe(unstored, now);
        window.clear();
        owed.postpone(now + breaker.remainingNanos());
        fail(probe, new RetriableException("not stored in stream " + streamName
                + ": the circuit is open and its probe failed (" + why + ")"));
    }

    /**
     * Treats a PubAck older than ack-timeout as a broken connection, and forgets the owed events of subjects whose
     * producer gave them up. Control thread.
     */
    private void watchdog() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (!owed.isEmpty()) {
                owed.expire(now);
            }
            if (mode == Mode.CLOSED || mode == Mode.OPEN) {
                return;
            }
            for (Pending p : window.submitted()) {
                if (p.kind() != Pending.IN_FLIGHT) {
                    continue;
                }
                if (policy.overdue(p.sentNanos, now) && p.epoch != null && p.epoch == slot.current()) {
                    slot.doom(p.epoch);
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
            for (Pending p : window.unsettled()) {
                stages.add(p.stage);
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
            last = slot.close();
            RetriableException failure = new RetriableException("the jetstream sink closed before stream "
                    + streamName + " acknowledged the event");
            // Each moves to done before the window forgets it, so that no answer can settle it afterwards.
            for (Pending p : window.unsettled()) {
                fail(p, failure);
            }
            window.clear();
        } finally {
            lock.unlock();
        }
        control.shutdown();
        if (last != null) {
            last.close();
        }
    }

    /** @return what the circuit owes; for tests */
    String owed() {
        lock.lock();
        try {
            return owed.toString();
        } finally {
            lock.unlock();
        }
    }

    /** @return where the publisher stands; for tests */
    Mode mode() {
        return mode;
    }
}
