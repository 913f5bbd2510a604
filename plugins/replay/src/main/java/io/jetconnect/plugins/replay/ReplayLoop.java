package io.jetconnect.plugins.replay;

import io.cloudevents.CloudEvent;
import io.jetconnect.nats.InvalidMessageException;
import io.jetconnect.nats.JetStreamErrors;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SourceContext;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamState;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a {@code replay} or {@code live-tail} source: reads one stream with one consumer and emits every
 * message, as a CloudEvent, to the chain, in stream order, from this thread alone.
 *
 * <h2>Position</h2>
 * Ephemeral consumers: the cursor is the last sequence up to which the chain has handled every event
 * ({@link InFlightEvents}, over an {@link io.jetconnect.spi.delivery.OrderedWindow}); it is stored every {@link #STORE_INTERVAL}, every max-in-flight / 2 handled events
 * and on stop, and a start resumes at it + 1.
 * The consumer lives for the whole read, so the drain hands over to the live tail without gap or repeat; when it is
 * lost (a server restart, messages lost in transit as the consumer sequence shows) it is re-created at the last
 * delivered sequence + 1. When the chain refuses an event for now ({@link RetriableException}) the loop emits
 * nothing newer (not even a message already read), waits for the events in flight, then reads again from the
 * cursor + 1 after a backoff; a permanent refusal fails the source.
 * Durable consumers: each event is acked once handled and nak'd when refused; the consumer's ack floor is the
 * position, stored only to re-create the consumer should the server lose it.
 *
 * <h2>Pipelining</h2>
 * The consumer pulls ahead ({@code batch-size} per request, the next request sent before the last is used up)
 * and up to {@code max-in-flight} deliveries may be ahead of the cursor; no event waits for another's round trip.
 */
final class ReplayLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayLoop.class);

    /** Longest a poll blocks, so that the loop stores the cursor and sees a stop in good time. */
    private static final long POLL_MILLIS = 100;
    private static final long STORE_INTERVAL = TimeUnit.MILLISECONDS.toNanos(200);
    private long handledAtStore;
    private final long storeEvery;
    /** How soon an idle {@code then = stop} read asks the server whether anything is left below the target. */
    private static final long DRAIN_CHECK = TimeUnit.MILLISECONDS.toNanos(500);
    private static final Duration BACKOFF_MIN = Duration.ofMillis(250);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final SourceContext context;
    private final ReplaySettings settings;
    private final NatsConnector connector;
    private final CursorStore cursors;
    private final ReplayMetrics metrics;
    private final InFlightEvents inFlight;
    private final StreamConsumers consumers;
    private final String label;
    private volatile boolean stopping;
    private volatile long streamLast;
    private volatile long ackFloor;
    private volatile Thread thread;

    // Owned by the loop's thread.
    private Connection connection;
    private StreamContext stream;
    private ConsumerContext consumer;
    private IterableConsumer messages;
    private String ephemeralName;
    private OptionalLong stored = OptionalLong.empty();
    private boolean cursorLoaded;
    private long lastStored = Long.MIN_VALUE;
    /** Whether the cursor holds a position yet: a stored one, or where the first consumer began. */
    private boolean positionKnown;
    /** Ephemeral: the last sequence delivered (or known to be before the first delivery), -1 before any. */
    private long lastDelivered = -1;
    /** Durable: whether {@link #ackFloor} holds a position (stored, or read from the consumer). */
    private boolean floorKnown;
    private long expectedConsumerSequence;
    private long target = Long.MAX_VALUE;
    private boolean targetSet;
    private boolean finished;
    private boolean caughtUp;
    /** Waits between attempts to reach NATS, the stream or the cursor store; reset once a consumer is open. */
    private Duration backoff = BACKOFF_MIN;
    /** Waits before reading again after the chain refused an event for now; reset once the cursor passes it. */
    private Duration rewindBackoff = BACKOFF_MIN;
    private long refusedSequence = -1;
    private long nextStore;
    private long nextRefresh;
    private long nextDrainCheck;
    private long lastMessageAt;
    private ProgressMeter progress;

    ReplayLoop(SourceContext context, ReplaySettings settings) {
        this.context = context;
        this.settings = settings;
        this.storeEvery = Math.max(1, settings.maxInFlight() / 2);
        // Built here so that a CA or credentials file that cannot be used fails the start.
        this.connector = new NatsConnector(context.nats(),
                context.nats().connectionName() + "-" + context.pipelineName() + "-" + settings.type());
        this.cursors = context.cursors();
        this.label = settings.type() + " of stream " + settings.streamName();
        this.metrics = new ReplayMetrics(context.metrics(), settings.type(), this::cursor, this::lag);
        this.inFlight = new InFlightEvents(context.chain(), settings.maxInFlight(), metrics);
        this.consumers = new StreamConsumers(settings, metrics, label,
                "jetconnect " + settings.type() + " of pipeline " + context.pipelineName());
    }

    /** Starts the loop on a thread of the pipeline's (daemon, named after it, with it in the logging MDC). */
    void start() {
        Thread t = context.threadFactory(settings.type()).newThread(this);
        thread = t;
        t.start();
    }

    /**
     * Asks the loop to stop and waits until it has: no further emit, the events in flight completed (bounded by
     * {@code stop-timeout}), the cursor stored, the connection closed.
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
        StoppedLag stopped = new StoppedLag(connector, settings.streamName(), streamLast, cursor(),
                settings.refreshInterval().toNanos(), context.threadFactory(settings.type() + "-lag"));
        metrics.stopped(stopped::get);
    }

    /** @return the position gauge: the contiguous cursor, or a durable consumer's ack floor */
    long cursor() {
        return settings.isDurable() ? ackFloor : inFlight.cursor();
    }

    long lag() {
        return Math.max(0, streamLast - cursor());
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
                    LOG.warn("{}: {}; retrying in {}", label, describe(e), pretty(backoff));
                    closeConsumer();
                    pause(backoff);
                    backoff = next(backoff);
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
        long handled = inFlight.handled();
        // Stored every STORE_INTERVAL, and every half window of handled events, so that a crash repeats at most
        // max-in-flight events not yet handled plus half as many handled but not yet stored.
        if (now >= nextStore || handled - handledAtStore >= storeEvery) {
            nextStore = now + STORE_INTERVAL;
            handledAtStore = handled;
            inFlight.advance();
            if (refusedSequence >= 0 && cursor() >= refusedSequence) {
                refusedSequence = -1;
                rewindBackoff = BACKOFF_MIN;
            }
            storeCursor();
        }
        if (connection == null) {
            connect();
            return;
        }
        if (messages == null) {
            open();
            return;
        }
        if (now >= nextRefresh) {
            nextRefresh = now + settings.refreshInterval().toNanos();
            refresh(now);
            if (messages == null) {
                return;
            }
        }
        if (!inFlight.awaitRoom(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS))) {
            return;
        }
        Message message = messages.nextMessage(POLL_MILLIS);
        if (message == null) {
            idle(now);
            return;
        }
        lastMessageAt = now;
        handle(message);
    }

    private void loadCursor() throws InterruptedException {
        try {
            stored = cursors.load(settings.cursorKey());
            cursorLoaded = true;
            if (stored.isPresent()) {
                lastStored = stored.getAsLong();
                positionKnown = true;
                inFlight.reset(stored.getAsLong());
                ackFloor = stored.getAsLong();
                floorKnown = true;
            }
        } catch (RetriableException e) {
            LOG.warn("{}: cannot read the stored cursor: {}; retrying in {}", label, e.getMessage(), pretty(backoff));
            pause(backoff);
            backoff = next(backoff);
        }
    }

    private void connect() throws InterruptedException {
        try {
            Connection opened = connector.connect();
            java.util.Optional<String> disabled = io.jetconnect.nats.JetStreamAvailability.disabled(opened,
                    context.nats().redactedUrl());
            if (disabled.isPresent()) {
                opened.close();
                LOG.warn("{}: {}; retrying in {}", label, disabled.get(), pretty(backoff));
                pause(backoff);
                backoff = next(backoff);
                return;
            }
            connection = opened;
            LOG.info("{}: connected to NATS at {}", label, context.nats().redactedUrl());
        } catch (IOException | RuntimeException e) {
            // The message names the redacted URL and why (refused credentials, TLS, no server).
            LOG.warn("{}: {}; retrying in {}", label, NatsConnector.redact(context.nats(), e), pretty(backoff));
            pause(backoff);
            backoff = next(backoff);
        }
    }

    /** Creates (or binds) the consumer at the position the read has reached. */
    private void open() throws IOException, JetStreamApiException {
        if (stream == null) {
            try {
                stream = connection.getStreamContext(settings.streamName());
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                    throw new IOException("stream " + settings.streamName() + " does not exist (yet)");
                }
                throw e;
            }
        }
        StreamState state = stream.getStreamInfo().getStreamState();
        streamLast = Math.max(streamLast, state.getLastSequence());
        if (!targetSet) {
            targetSet = true;
            if (settings.then() == ReplaySettings.Then.STOP) {
                target = state.getLastSequence();
            }
            LOG.info("{}: reading from {}{}", label, stored.isPresent()
                            ? "the stored cursor " + stored.getAsLong() + " + 1" : settings.start().toString(),
                    settings.then() == ReplaySettings.Then.STOP ? " to sequence " + target + ", then stopping"
                            : ", then tailing");
        }
        StreamConsumers.Opened opened;
        try {
            opened = settings.isDurable()
                    ? consumers.durable(stream, state, begin(), floorKnown)
                    : consumers.ephemeral(stream, state, begin(), lastDelivered >= 0 || stored.isPresent());
        } catch (JetconnectException e) {
            fail(e);
            return;
        }
        consumer = opened.consumer();
        ephemeralName = opened.ephemeralName();
        positionKnown = true;
        expectedConsumerSequence = 1;
        if (settings.isDurable()) {
            ackFloor = opened.ackFloor();
            floorKnown = true;
        } else {
            if (lastDelivered < 0 || inFlight.settled()) {
                // Nothing in flight: the cursor is where the consumer begins (past a skipped gap too), but never
                // below a stored one.
                inFlight.reset(Math.max(opened.before(), stored.isPresent() && lastDelivered < 0
                        ? stored.getAsLong() : 0));
            }
            lastDelivered = Math.max(lastDelivered, opened.before());
        }
        boolean nothingToRead = opened.pending() == 0 || !settings.isDurable() && lastDelivered >= target;
        if (settings.then() == ReplaySettings.Then.STOP && nothingToRead) {
            drained();
            return;
        }
        messages = consumer.iterate(ConsumeOptions.builder().batchSize(settings.batchSize()).build());
        backoff = BACKOFF_MIN;
        long now = System.nanoTime();
        lastMessageAt = now;
        nextRefresh = now + settings.refreshInterval().toNanos();
        nextDrainCheck = now + DRAIN_CHECK;
        if (progress == null) {
            progress = new ProgressMeter(now, 0);
        }
    }

    /**
     * @return where the read is to begin: after the last delivery (ephemeral) or the ack floor (durable), after the
     *     stored cursor, or at {@code start}
     */
    private StartPosition begin() {
        if (settings.isDurable() && floorKnown) {
            return new StartPosition(StartPosition.Kind.SEQUENCE, ackFloor + 1, null);
        }
        if (!settings.isDurable() && lastDelivered >= 0) {
            return new StartPosition(StartPosition.Kind.SEQUENCE, lastDelivered + 1, null);
        }
        if (stored.isPresent()) {
            return new StartPosition(StartPosition.Kind.SEQUENCE, stored.getAsLong() + 1, null);
        }
        return settings.start();
    }

    private void handle(Message message) {
        NatsJetStreamMetaData meta = message.metaData();
        long sequence = meta.streamSequence();
        Message durable = settings.isDurable() ? message : null;
        if (durable == null) {
            if (meta.consumerSequence() != expectedConsumerSequence) {
                LOG.info("{}: messages lost in transit after sequence {}; reading again from {}", label,
                        lastDelivered, lastDelivered + 1);
                closeConsumer();
                return;
            }
            expectedConsumerSequence++;
            if (sequence <= lastDelivered) {
                return;
            }
        }
        if (sequence > target) {
            if (durable != null) {
                durable.nak();
            }
            drained();
            return;
        }
        streamLast = Math.max(streamLast, sequence + meta.pendingCount());
        lastDelivered = Math.max(lastDelivered, sequence);
        if (!inFlight.mayEmit()) {
            // A refusal came in while this message was on its way: the rewind reads it again (ephemeral) or the
            // server delivers it again; emitting it now could get it stored before the refused event.
            if (durable != null) {
                durable.nak();
            }
            return;
        }
        CloudEvent event;
        try {
            event = NatsEventReader.read(message);
        } catch (InvalidMessageException e) {
            metrics.invalid(e.reason());
            LOG.warn("{}: skipped the message at sequence {} (subject {}): {}", label, sequence,
                    printable(message.getSubject()), e.getMessage());
            inFlight.skip(sequence);
            if (durable != null) {
                durable.term();
            }
            event = null;
        }
        if (event != null) {
            inFlight.emit(sequence, event, durable);
        }
        if (sequence >= target) {
            drained();
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
                && (settings.isDurable() || lastDelivered >= info.getDelivered().getStreamSequence());
        if (nothingLeft) {
            drained();
        }
    }

    /** @return the consumer's info, or null (and the consumer closed, to be re-created) if the server lost it */
    private ConsumerInfo consumerInfo() throws IOException, JetStreamApiException {
        try {
            return consumer.getConsumerInfo();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == StreamConsumers.CONSUMER_NOT_FOUND) {
                LOG.info("{}: the server no longer has the consumer; creating it again at sequence {}", label,
                        begin().sequence());
                closeConsumer();
                return null;
            }
            throw e;
        }
    }

    /** Every refresh interval: the stream's last sequence, the consumer's health, the progress line. */
    private void refresh(long now) throws IOException, JetStreamApiException {
        streamLast = Math.max(streamLast, stream.getStreamInfo().getStreamState().getLastSequence());
        boolean quiet = now - lastMessageAt >= settings.refreshInterval().toNanos();
        if (settings.isDurable() || quiet) {
            ConsumerInfo info = consumerInfo();
            if (info == null) {
                return;
            }
            if (settings.isDurable()) {
                ackFloor = info.getAckFloor().getStreamSequence();
            }
        }
        long remaining = settings.then() == ReplaySettings.Then.STOP ? Math.max(0, target - cursor()) : lag();
        String line = progress.sample(now, inFlight.handled(), remaining);
        if (!settings.logProgress() || caughtUp) {
            LOG.debug("{}: {}", label, line);
            return;
        }
        LOG.info("{}: {} (cursor {}, stream last sequence {})", label, line, cursor(), streamLast);
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
        if (settings.isDurable()) {
            // Nak'd already, so the server delivers it again; meanwhile take nothing new.
            LOG.warn("{}: the chain cannot take the event at sequence {} now ({}); it will be delivered again; "
                    + "pausing {}", label, refused.sequence(), describe(refused.cause()), pretty(rewindBackoff));
            inFlight.clearRefusal();
        } else {
            LOG.warn("{}: the chain cannot take the event at sequence {} now ({}); reading again from sequence {} "
                    + "in {}", label, refused.sequence(), describe(refused.cause()), inFlight.cursor() + 1,
                    pretty(rewindBackoff));
            closeConsumer();
            while (!inFlight.awaitOutstanding(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS))) {
                if (stopAsked() || Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            inFlight.advance();
            long cursor = inFlight.cursor();
            inFlight.reset(cursor);
            lastDelivered = cursor;
            inFlight.clearRefusal();
            storeCursor();
        }
        pause(rewindBackoff);
        rewindBackoff = next(rewindBackoff);
    }

    private void drained() {
        if (!finished) {
            finished = true;
            LOG.info("{}: done: read to sequence {} ({} events handled so far); then = stop", label,
                    Math.min(lastDelivered, target), inFlight.handled());
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
        closeConsumer();
        if (!inFlight.awaitOutstanding(settings.stopTimeout().toNanos())) {
            LOG.warn("{}: {} events still in flight after {}; the cursor stays before them", label,
                    inFlight.outstanding(), pretty(settings.stopTimeout()));
        }
        inFlight.advance();
        if (connection != null && stream != null && settings.isDurable()) {
            try {
                connection.flush(FLUSH_TIMEOUT);
                ConsumerInfo info = StreamConsumers.lookup(stream, settings.durable());
                if (info != null) {
                    ackFloor = info.getAckFloor().getStreamSequence();
                }
            } catch (IOException | JetStreamApiException | TimeoutException | RuntimeException e) {
                LOG.debug("{}: cannot read the durable consumer's ack floor: {}", label, describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cursorLoaded) {
            storeCursor();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection = null;
        }
        LOG.info("{}: stopped at cursor {}", label, cursor());
    }

    private void storeCursor() {
        long position = cursor();
        if (!positionKnown || position == lastStored) {
            return;
        }
        try {
            cursors.store(settings.cursorKey(), position);
            lastStored = position;
        } catch (RetriableException e) {
            LOG.warn("{}: cannot store the cursor {} now: {}", label, position, e.getMessage());
        }
    }

    /** Stops reading; an ephemeral consumer is deleted (the server would remove it after its threshold anyway). */
    private void closeConsumer() {
        IterableConsumer current = messages;
        messages = null;
        consumer = null;
        if (current != null) {
            try {
                current.stop();
                current.close();
            } catch (Exception e) {
                LOG.debug("{}: closing the consumer: {}", label, describe(e));
            }
        }
        String name = ephemeralName;
        ephemeralName = null;
        if (name == null || stream == null || connection == null
                || connection.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            stream.deleteConsumer(name);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("{}: could not delete consumer {}: {}", label, name, describe(e));
        }
    }

    /** Waits, returning early when the source is asked to stop. */
    private void pause(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!stopAsked()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : doubled;
    }

    private static String pretty(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    private static String describe(Throwable e) {
        if (e instanceof JetStreamApiException api) {
            return api.getErrorDescription() + " (" + api.getApiErrorCode() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String printable(String text) {
        return text == null ? "nothing" : text.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
