package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's first connection and its stream, made at {@code open()} or, when NATS cannot be reached then, in the
 * background: so that a pipeline opens (and a {@code dlq} in front spills) during a broker outage, and starts
 * publishing as soon as the broker is back rather than at the end of a long backoff.
 *
 * <p>{@link #attempt()} connects and provisions the stream ({@link StreamProvisioner#provision}) once. A failure
 * that may go away (no server, JetStream not ready) is retriable; one that needs a person (credentials refused,
 * the stream exists with subjects that do not capture the sink's, an undeclared stream is absent) is not.
 * {@link #retryInBackground} repeats the attempt on its own thread, waiting as {@code start-retry} says between
 * attempts, until it succeeds, fails for good or {@link #close()} stops it.
 */
final class FirstConnection {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    /** What one attempt does: connect and provision, or throw. */
    interface Attempt {
        ConnectionEpoch run() throws IOException, InterruptedException;
    }

    private final Attempt attempt;
    private final Backoff backoff;
    private final String pipeline;
    private final Object lock = new Object();
    private volatile String lastFailure = "not tried yet";
    private Thread thread; // guarded by lock
    private boolean closed; // guarded by lock

    FirstConnection(Attempt attempt, Backoff backoff, String pipeline) {
        this.attempt = attempt;
        this.backoff = backoff;
        this.pipeline = pipeline;
    }

    /**
     * @return the connection, with the stream provisioned
     * @throws RetriableException if NATS or JetStream cannot be reached now
     * @throws JetconnectException if it needs a person
     */
    ConnectionEpoch attempt() {
        try {
            return attempt.run();
        } catch (IOException e) {
            String why = PublishErrors.describe(e);
            lastFailure = why;
            if (refusedForGood(why)) {
                throw new JetconnectException("NATS refused the connection: " + why);
            }
            throw new RetriableException(why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while connecting to NATS");
        } catch (RetriableException e) {
            lastFailure = e.getMessage();
            throw e;
        }
    }

    /** @return why the last attempt failed, for the refusals while waiting */
    String lastFailure() {
        return lastFailure;
    }

    /**
     * Repeats {@link #attempt()} on a thread of its own until it succeeds or fails for good.
     *
     * @param connected takes the connection; not called once {@link #close()} ran (the connection is closed)
     * @param failed takes a failure that needs a person
     */
    void retryInBackground(ThreadFactory threads, Consumer<ConnectionEpoch> connected,
                           Consumer<JetconnectException> failed) {
        Thread t = threads.newThread(() -> loop(connected, failed));
        synchronized (lock) {
            if (closed) {
                return;
            }
            thread = t;
        }
        t.start();
    }

    private void loop(Consumer<ConnectionEpoch> connected, Consumer<JetconnectException> failed) {
        for (int attempts = 0; ; attempts = Math.max(attempts, attempts + 1)) { // saturates
            try {
                TimeUnit.NANOSECONDS.sleep(backoff.delayNanos(attempts));
            } catch (InterruptedException e) {
                return; // closed
            }
            ConnectionEpoch epoch;
            try {
                epoch = attempt();
            } catch (RetriableException e) {
                if (isClosed()) {
                    return;
                }
                LOG.debug("Pipeline {}: NATS not reachable yet: {}", pipeline, e.getMessage());
                continue;
            } catch (JetconnectException e) {
                if (!isClosed()) {
                    LOG.error("Pipeline {}: the jetstream sink cannot start: {}", pipeline, e.getMessage());
                    failed.accept(e);
                }
                return;
            } catch (RuntimeException e) {
                if (!isClosed()) {
                    failed.accept(new JetconnectException("the jetstream sink cannot start: "
                            + PublishErrors.describe(e), e));
                }
                return;
            }
            synchronized (lock) {
                if (!closed) {
                    connected.accept(epoch);
                    return;
                }
            }
            epoch.close();
            return;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops the background attempts; a connection made meanwhile is closed, not handed out. */
    void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** @return whether a connection failure says the server will refuse every attempt (authentication) */
    static boolean refusedForGood(String why) {
        String w = why.toLowerCase(Locale.ROOT);
        return w.contains("authorization violation") || w.contains("authentication") || w.contains("user "
                + "authentication expired") || w.contains("account authentication");
    }
}
