package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SourceContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamState;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a {@code replay} or {@code live-tail} source: reads one stream with one consumer and emits every
 * message, as a CloudEvent, to the chain, in stream order, from this thread alone. It decides; the pieces do:
 * {@link ReadPosition} knows where the read stands and ends, {@link ConsumerSession} holds the connection and the
 * consumer, {@link InFlightEvents} the events emitted and the cursor (over the SPI's
 * {@link io.jetconnect.spi.delivery.OrderedWindow}), {@link CursorCheckpoints} when the cursor is stored.
 *
 * <h2>Position</h2>
 * Ephemeral consumers: the cursor is the last sequence up to which the chain has handled every event, stored in
 * batches and on stop; a start resumes at it + 1. The consumer lives for the whole read, so the drain hands over to
 * the live tail without gap or repeat; when it is lost (a server restart, messages lost in transit as the consumer
 * sequence shows) it is re-created at the last delivered sequence + 1. When the chain refuses an event for now
 * ({@link RetriableException}) the loop emits nothing newer (not even a message already read), waits for the
 * events in flight, then reads again from the cursor + 1 after a wait ({@code backoff}); a permanent refusal fails
 * the source. Durable consumers: each event is acked once handled and nak'd when refused; the consumer's ack floor
 * is the position, stored only to re-create the consumer should the server lose it.
 *
 * <h2>Pipelining</h2>
 * The consumer pulls ahead ({@code batch-size} per request, the next request sent before the last is used up)
 * and up to {@code max-in-flight} deliveries may be ahead of the cursor; no event waits for another's round trip.
 */
final class ReplayLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayLoop.class);

    /** Longest a poll blocks, so that the loop stores the cursor and sees a stop in good time. */
    private static final long POLL_MILLIS = 100;
    private static final long POLL = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
    /** How soon an idle {@code then = stop} read asks the server whether anything is left below the target. */
    private static final long DRAIN_CHECK = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long stopping lets the last acks of a durable consumer reach the server. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final SourceContext context;
    private final ReplaySettings settings;
    private final NatsConnector connector;
    private final ReplayMetrics metrics;
    private final InFlightEvents inFlight;
    private final ReadPosition position;
    private final ConsumerSession session;
    private final CursorCheckpoints checkpoints;
    private final String label;
    private volatile boolean stopping;
    private volatile Thread thread;

    // Owned by the loop's thread.
    private boolean cursorLoaded;
    private long expectedConsumerSequence;
    private boolean finished;
    private boolean caughtUp;
    /** Failed attempts to reach NATS, the stream or the cursor store in a row; reset once a consumer is open. */
    private int outages;
    /** Rewinds after refusals in a row; reset once the cursor passes the refused event. */
    private int rewinds;
    private long refusedSequence = -1;
    private long nextRefresh;
    private long nextDrainCheck;
    private long lastMessageAt;
    private ProgressMeter progress;

    ReplayLoop(SourceContext context, ReplaySettings settings) {
        this.context = context;
        this.settings = settings;
        // Built here so that a CA or credentials file that cannot be used fails the start.
        this.connector = NatsConnector.source(context.nats(), context.pipelineName(), settings.type(),
                settings.ownConnection());
        this.label = settings.type() + " of stream " + settings.streamName();
        this.metrics = new ReplayMetrics(context.metrics(), settings.type(), this::cursor, this::lag);
        this.inFlight = new InFlightEvents(context.chain(), settings.maxInFlight(), metrics);
        this.position = new ReadPosition(settings);
        this.session = new ConsumerSession(connector, context.nats(), settings, new StreamConsumers(settings, metrics,
                label, "jetconnect " + settings.type() + " of pipeline " + context.pipelineName()), label);
        this.checkpoints = new CursorCheckpoints(context.cursors(), settings, label);
    }

    /** Starts the loop on a thread of the pipeline's (daemon, named after it, with it in the logging MDC). */
    void start() {
        Thread t = context.threadFactory(settings.type()).newThread(this);
        thread = t;
        t.start();
    }

    /**
     * Asks the loop to stop and waits until it has: no further emit, the events in flight completed (bounded by
     * {@code stop-timeout}), the cursor stored, the consumer's subscription closed and the share of the connection
     * given back.
     */
    void stop() {
        stopping = true;
        Thread t = thread;
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        try {
            t.join(settings.stopTimeout().plusSeconds(10).toMillis());
            if (t.isAlive()) {
                LOG.warn("{}: the reader did not stop in time; interrupting it", label);
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A paused pipeline keeps its meters: its lag must go on following the stream, not freeze here.
        StoppedLag stopped = new StoppedLag(connector, settings.streamName(), position.streamLast(), cursor(),
                settings.refreshInterval().toNanos(), context.threadFactory(settings.type() + "-lag"));
        metrics.stopped(stopped::get);
    }

    /** @return the position gauge: the contiguous cursor, or a durable consumer's ack floor */
    long cursor() {
        return settings.isDurable() ? position.ackFloor() : inFlight.cursor();
    }

    long lag() {
        return Math.max(0, position.streamLast() - cursor());
    }

    private boolean stopAsked() {
        return stopping || context.isStopRequested();
    }

    @Override
    public void run() {
        try {
            while (!finished && !stopAsked()) {
                try {
                    step();
                } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException
                         | IllegalStateException e) {
                    // Transport trouble or a lost consumer: read again from where the read is.
                    session.closeConsumer();
                    retryLater(describe(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: failed: {}", label, describe(e), e);
            if (!stopAsked()) {
                context.fail(new JetconnectException(label + " failed: " + describe(e), e));
            }
        } finally {
            finish();
        }
    }

    private void step() throws IOException, JetStreamApiException, JetStreamStatusCheckedException,
            InterruptedException {
        if (!cursorLoaded) {
            loadCursor();
            return;
        }
        if (inFlight.refusal() != null) {
            handleRefusal();
            return;
        }
        long now = System.nanoTime();
        if (checkpoints.due(now, inFlight.handled())) {
            inFlight.advance();
            if (refusedSequence >= 0 && cursor() >= refusedSequence) {
                refusedSequence = -1;
                rewinds = 0;
            }
            checkpoints.store(cursor());
        }
        if (!session.connected()) {
            connect();
            return;
        }
        if (session.reconnectedSinceAsked() && session.reading()) {
            // Pulls lost with the old socket would stall the read until the heartbeat alarm; the consumer
            // sequence check keeps the order across the re-open.
            LOG.info("{}: reconnected to NATS; reading again from {}", label, position.lastDelivered() + 1);
            session.closeConsumer();
        }
        if (!session.reading()) {
            open();
            return;
        }
        if (now >= nextRefresh) {
            nextRefresh = now + settings.refreshInterval().toNanos();
            refresh(now);
            if (!session.reading()) {
                return;
            }
        }
        if (!inFlight.awaitRoom(POLL)) {
            return;
        }
        Message message = session.next(POLL_MILLIS);
        if (message == null) {
            idle(now);
            return;
        }
        lastMessageAt = now;
        handle(message);
    }

    private void loadCursor() throws InterruptedException {
        OptionalLong stored;
        try {
            stored = checkpoints.load();
        } catch (RetriableException e) {
            retryLater("cannot read the stored cursor: " + e.getMessage());
            return;
        }
        cursorLoaded = true;
        position.loaded(stored);
        if (stored.isPresent()) {
            inFlight.reset(stored.getAsLong());
        }
    }

    private void connect() throws InterruptedException {
        try {
            session.connect();
        } catch (IOException | RuntimeException e) {
            // The message names the redacted URL and why (refused credentials, TLS, no server, no JetStream).
            retryLater(NatsConnector.redact(context.nats(), e));
        }
    }

    /** Creates (or binds) the consumer at the position the read has reached. */
    private void open() throws IOException, JetStreamApiException {
        StreamState state = session.streamState();
        if (position.reachStream(state.getLastSequence())) {
            OptionalLong stored = position.stored();
            LOG.info("{}: reading from {}{}", label, stored.isPresent()
                            ? "the stored cursor " + stored.getAsLong() + " + 1" : settings.start().toString(),
                    settings.then() == ReplaySettings.Then.STOP
                            ? " to sequence " + position.target() + ", then stopping" : ", then tailing");
        }
        StreamConsumers.Opened opened;
        try {
            opened = session.open(state, position.begin(), position.resuming());
        } catch (JetconnectException e) {
            fail(e);
            return;
        }
        checkpoints.positionKnown();
        expectedConsumerSequence = 1;
        if (settings.isDurable()) {
            position.durableOpened(opened.ackFloor());
        } else {
            boolean idle = position.lastDelivered() < 0 || inFlight.settled();
            long cursor = position.ephemeralOpened(opened.before());
            if (idle) {
                // Nothing in flight: the cursor is where the consumer begins (past a skipped gap too).
                inFlight.reset(cursor);
            }
        }
        boolean nothingToRead = opened.pending() == 0 || !settings.isDurable() && position.delivered();
        if (settings.then() == ReplaySettings.Then.STOP && nothingToRead) {
            drained();
            return;
        }
        session.read();
        outages = 0;
        long now = System.nanoTime();
        lastMessageAt = now;
        nextRefresh = now + settings.refreshInterval().toNanos();
        nextDrainCheck = now + DRAIN_CHECK;
        if (progress == null) {
            progress = new ProgressMeter(now, 0);
        }
    }

    private void handle(Message message) {
        NatsJetStreamMetaData meta = message.metaData();
        long sequence = meta.streamSequence();
        Message durable = settings.isDurable() ? message : null;
        if (durable == null) {
            if (meta.consumerSequence() != expectedConsumerSequence) {
                LOG.info("{}: messages lost in transit after sequence {}; reading again from {}", label,
                        position.lastDelivered(), position.lastDelivered() + 1);
                session.closeConsumer();
                return;
            }
            expectedConsumerSequence++;
            if (position.repeats(sequence)) {
                return;
            }
        }
        if (position.pastTarget(sequence)) {
            if (durable != null) {
                durable.nak();
            }
            drained();
            return;
        }
        position.delivering(sequence, meta.pendingCount());
        if (!inFlight.mayEmit()) {
            // A refusal came in while this message was on its way: the rewind reads it again (ephemeral) or the
            // server delivers it again; emitting it now could get it stored before the refused event.
            if (durable != null) {
                durable.nak();
            }
            return;
        }
        CloudEvent event = read(message, sequence, durable);
        if (event != null) {
            inFlight.emit(sequence, event, durable);
        }
        if (position.atTarget(sequence)) {
            drained();
        }
    }

    /** @return the message's event, or null when it is none (skipped: logged, counted, the cursor moves past it) */
    private CloudEvent read(Message message, long sequence, Message durable) {
        try {
            return NatsEventReader.read(message);
        } catch (InvalidMessageException e) {
            metrics.invalid(e.reason());
            LOG.warn("{}: skipped the message at sequence {} (subject {}): {}", label, sequence,
                    printable(message.getSubject()), e.getMessage());
            inFlight.skip(sequence);
            if (durable != null) {
                durable.term();
            }
            return null;
        }
    }

    /** A {@code then = stop} read with nothing arriving asks whether anything is left up to the target. */
    private void idle(long now) throws IOException, JetStreamApiException {
        if (settings.then() != ReplaySettings.Then.STOP || now < nextDrainCheck) {
            return;
        }
        nextDrainCheck = now + DRAIN_CHECK;
        ConsumerInfo info = consumerInfo();
        if (info == null) {
            return;
        }
        boolean nothingLeft = info.getNumPending() == 0
                && (settings.isDurable() || position.lastDelivered() >= info.getDelivered().getStreamSequence());
        if (nothingLeft) {
            drained();
        }
    }

    /** @return the consumer's info, or null (the consumer closed, to be re-created) if the server lost it */
    private ConsumerInfo consumerInfo() throws IOException, JetStreamApiException {
        ConsumerInfo info = session.consumerInfo();
        if (info == null) {
            LOG.info("{}: the server no longer has the consumer; creating it again at sequence {}", label,
                    position.begin().sequence());
        }
        return info;
    }

    /** Every refresh interval: the stream's last sequence, the consumer's health, the progress line. */
    private void refresh(long now) throws IOException, JetStreamApiException {
        position.streamLast(session.streamState().getLastSequence());
        boolean quiet = now - lastMessageAt >= settings.refreshInterval().toNanos();
        if (settings.isDurable() || quiet) {
            ConsumerInfo info = consumerInfo();
            if (info == null) {
                return;
            }
            if (settings.isDurable()) {
                position.ackFloor(info.getAckFloor().getStreamSequence());
            }
        }
        long remaining = settings.then() == ReplaySettings.Then.STOP
                ? Math.max(0, position.target() - cursor()) : lag();
        String line = progress.sample(now, inFlight.handled(), remaining);
        if (!settings.logProgress() || caughtUp) {
            LOG.debug("{}: {}", label, line);
            return;
        }
        LOG.info("{}: {} (cursor {}, stream last sequence {})", label, line, cursor(), position.streamLast());
        if (remaining == 0 && settings.then() == ReplaySettings.Then.LIVE_TAIL) {
            caughtUp = true;
            LOG.info("{}: caught up at sequence {}; tailing", label, cursor());
        }
    }

    private void handleRefusal() throws InterruptedException {
        InFlightEvents.Refusal refused = inFlight.refusal();
        if (stopAsked()) {
            return;
        }
        if (!(refused.cause() instanceof RetriableException)) {
            fail(new JetconnectException(label + ": the chain refused the event at sequence " + refused.sequence()
                    + " for good: " + describe(refused.cause()), refused.cause()));
            return;
        }
        refusedSequence = refused.sequence();
        Duration wait = settings.backoff().delay(rewinds++);
        if (settings.isDurable()) {
            // Nak'd already, so the server delivers it again; meanwhile take nothing new.
            LOG.warn("{}: the chain cannot take the event at sequence {} now ({}); it will be delivered again; "
                    + "pausing {}", label, refused.sequence(), describe(refused.cause()), pretty(wait));
            inFlight.clearRefusal();
        } else {
            LOG.warn("{}: the chain cannot take the event at sequence {} now ({}); reading again from sequence {} "
                    + "in {}", label, refused.sequence(), describe(refused.cause()), inFlight.cursor() + 1,
                    pretty(wait));
            session.closeConsumer();
            while (!inFlight.awaitOutstanding(POLL)) {
                if (stopAsked() || Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            inFlight.advance();
            long cursor = inFlight.cursor();
            inFlight.reset(cursor);
            position.rewound(cursor);
            inFlight.clearRefusal();
            checkpoints.store(cursor);
        }
        pause(wait);
    }

    private void drained() {
        if (!finished) {
            finished = true;
            LOG.info("{}: done: read to sequence {} ({} events handled so far); then = stop", label,
                    Math.min(position.lastDelivered(), position.target()), inFlight.handled());
        }
    }

    private void fail(JetconnectException e) {
        finished = true;
        if (!stopAsked()) {
            // The runtime logs it as the pipeline's failure.
            context.fail(e);
        }
    }

    /** Stops reading, waits (bounded) for the events in flight, stores the cursor, closes everything. */
    private void finish() {
        try {
            session.closeConsumer();
            if (!inFlight.awaitOutstanding(settings.stopTimeout().toNanos())) {
                LOG.warn("{}: {} events still in flight after {}; the cursor stays before them", label,
                        inFlight.outstanding(), pretty(settings.stopTimeout()));
            }
            inFlight.advance();
            if (settings.isDurable()) {
                long floor = session.settledAckFloor(FLUSH_TIMEOUT);
                if (floor >= 0) {
                    position.ackFloor(floor);
                }
            }
            if (cursorLoaded) {
                checkpoints.store(cursor());
            }
        } finally {
            // The share goes back whatever went wrong above: a leaked share would keep its connection open.
            session.close();
        }
        LOG.info("{}: stopped at cursor {}", label, cursor());
    }

    /** Logs why NATS, the stream or the cursor store cannot be used now, and waits the next {@code backoff}. */
    private void retryLater(String why) throws InterruptedException {
        Duration wait = settings.backoff().delay(outages++);
        LOG.warn("{}: {}; retrying in {}", label, why, pretty(wait));
        pause(wait);
    }

    /** Waits, returning early when the source is asked to stop. */
    private void pause(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!stopAsked()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(left, POLL));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static String pretty(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    static String describe(Throwable e) {
        if (e instanceof JetStreamApiException api) {
            return api.getErrorDescription() + " (" + api.getApiErrorCode() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String printable(String text) {
        return text == null ? "nothing" : text.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
