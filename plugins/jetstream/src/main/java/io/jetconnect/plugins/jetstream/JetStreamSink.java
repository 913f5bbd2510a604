package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.spi.TypeName;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal sink that publishes CloudEvents to a JetStream stream ({@code type = jetstream}).
 *
 * <p>Each event goes to the subject its template names ({@code {tenantId}} from {@code data.tenantId}), in the
 * CloudEvents NATS binding's structured or binary mode, with {@code Nats-Msg-Id} made from the event's source and id so the stream
 * deduplicates re-publishes ({@link MessageId}); its stage completes when the stream has stored it (a duplicate counts). Publishing is
 * pipelined with up to {@code max-in-flight} PubAcks outstanding, and each subject's events are stored in emit
 * order, across retries and broker restarts ({@link Publisher}): events the sink failed are owed, and nothing
 * newer of their subject is stored before they are offered again ({@link OwedEvents}). A circuit breaker makes emits
 * fail fast with a {@link io.jetconnect.spi.BackpressureException} while NATS is unreachable. {@code open()} creates
 * the stream if it is declared and absent, and never changes an existing one; when NATS cannot be reached then, it
 * opens anyway, refuses events retriably (a {@code dlq} in front spills them) and connects in the background
 * ({@link FirstConnection}). A declared stream found gone on a later connection is created again.
 *
 * <p>Configuration: the plugin's {@code reference.conf}, key {@code jetstream}.
 */
@Extension
@TypeName("jetstream")
public final class JetStreamSink implements EventSink {

    /** Reads the settings as {@link #open} would, so that {@code check} reports a missing stream or subject. */
    @Override
    public void validate(io.jetconnect.spi.ConnectorConfig config) {
        SinkSettings.from(config);
    }

    private volatile SubjectTemplate template;
    private volatile EventEncoder encoder;
    private volatile SinkMetrics metrics;
    private volatile Publisher publisher;
    private volatile FirstConnection first;
    private volatile ConnectionWatch watch;
    private volatile NatsConnector connector;
    private volatile Duration retryAfter;

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSink.class);

    /** For the plugin framework. */
    public JetStreamSink() {
    }

    @Override
    public void open(SinkContext context) {
        try {
            openSink(context);
        } catch (RuntimeException | Error e) {
            // The chain closes only what opened: give back the connection's share and stop the watch, or a
            // sink that failed to open (refused credentials, a stream it may not create) holds them for good.
            close();
            throw e;
        }
    }

    private void openSink(SinkContext context) {
        SinkSettings settings = SinkSettings.from(context.config());
        StreamSpec spec = context.stream(settings.stream());
        if (spec.declared()) {
            // A configuration error, reported whether or not NATS is up.
            StreamProvisioner.requireCaptured(spec.subjects(), spec.name(), context.config(), settings.subject());
        }
        CircuitBreaker breaker = new CircuitBreaker(settings.backoff(), System::nanoTime);
        NatsConnector connector = new NatsConnector(context.nats(), context.pipelineName(), settings.ackTimeout(),
                settings.maxInFlight(), settings.ownConnection());
        this.connector = connector;
        ConnectionWatch watch = new ConnectionWatch(connector::connect, epoch -> {
            Publisher p = publisher;
            return p != null && p.reconnected(epoch);
        }, context, connector.redactedUrl(), settings.startRetry().max(), settings.startRetry(),
                context.serialExecutor("jetstream-watch"));
        connector.watch(watch::event);
        this.watch = watch;
        SinkMetrics sinkMetrics = new SinkMetrics(context.metrics(), breaker, watch::down);
        // One opening each time the circuit gauge goes from 0 to 1, whichever of the two opened it.
        breaker.onOpen(() -> {
            if (!watch.down()) {
                sinkMetrics.openings.increment();
            }
        });
        watch.onLost(() -> {
            if (!breaker.isOpen()) {
                sinkMetrics.openings.increment();
            }
        });
        this.template = settings.subject();
        this.encoder = new EventEncoder(settings.binary(), settings.messageId());
        this.metrics = sinkMetrics;
        context.registerStatus(() -> java.util.Map.of("duplicate", sinkMetrics.duplicates(),
                "circuit", breaker.isOpen() || watch.down() ? "open" : "closed"));
        this.retryAfter = settings.startRetry().max();
        FirstConnection first = new FirstConnection(() -> {
            ConnectionEpoch epoch = connector.connect();
            java.util.Optional<String> noJetStream = io.jetconnect.nats.JetStreamAvailability.disabled(
                    epoch.connection(), connector.redactedUrl());
            if (noJetStream.isPresent()) {
                // Retriable: the server may be restarted with -js, and a dlq in front spills meanwhile.
                epoch.close();
                throw new RetriableException(noJetStream.get());
            }
            try {
                StreamProvisioner.provision(epoch.connection().jetStreamManagement(), spec, context.config(),
                        settings.subject(), spec.retentionFloorFails(), context.pipelineName());
            } catch (IOException e) {
                epoch.close();
                throw new RetriableException("cannot reach JetStream at " + connector.redactedUrl() + ": "
                        + PublishErrors.describe(e));
            } catch (RuntimeException e) {
                epoch.close();
                throw e;
            }
            // From now on every new connection checks that the stream is still there (deleted, store wiped).
            connector.onConnect(c -> {
                try {
                    StreamProvisioner.recreateIfMissing(c.jetStreamManagement(), spec, context.pipelineName());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Pipeline {}: cannot check stream {}: {}", context.pipelineName(), spec.name(),
                            PublishErrors.describe(e));
                }
            });
            return epoch;
        }, settings.startRetry(), context.pipelineName());
        this.first = first;
        java.util.function.Consumer<ConnectionEpoch> start = epoch -> {
            publisher = new Publisher(settings, connector::connect, epoch, breaker, sinkMetrics,
                    context.pipelineName(), spec.name(), Control.on(context.serialExecutor("jetstream")),
                    System::nanoTime);
            watch.start(epoch.connection());
        };
        try {
            start.accept(first.attempt());
            return;
        } catch (RetriableException e) {
            // NATS is down: open anyway and keep trying, so that a dlq in front spills meanwhile.
            if (io.jetconnect.nats.JetStreamAvailability.isDisabledMessage(e.getMessage())) {
                context.waiting(e.getMessage()); // logged once, as the whole line
            } else {
                context.waiting("cannot reach NATS at " + connector.redactedUrl() + " or stream " + spec.name()
                        + " yet: " + e.getMessage());
            }
        }
        first.retryInBackground(context.threadFactory("jetstream-start"), epoch -> {
            start.accept(epoch);
            LOG.info("Pipeline {}: connected to NATS at {}; publishing to stream {}", context.pipelineName(),
                    connector.redactedUrl(), spec.name());
            context.available();
        }, context::failed);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        long start = System.nanoTime();
        Publisher p = publisher;
        if (p == null) {
            FirstConnection f = first;
            if (f == null) {
                return CompletableFuture.failedFuture(new JetconnectException("the jetstream sink is not open"));
            }
            // Not connected yet (NATS down at open): retriable, so that a dlq spills it.
            metrics.failed.increment();
            return CompletableFuture.failedFuture(new BackpressureException("the jetstream sink is not connected "
                    + "to NATS yet: " + f.lastFailure(), retryAfter));
        }
        String subject;
        try {
            subject = template.resolve(event);
        } catch (JetconnectException e) {
            metrics.rejected.increment();
            return CompletableFuture.failedFuture(e);
        }
        if (p.refusesNow()) {
            return p.refuse();
        }
        Headers headers;
        byte[] body;
        try {
            headers = encoder.headers(event);
            body = encoder.body(event);
        } catch (RuntimeException e) {
            metrics.rejected.increment();
            return CompletableFuture.failedFuture(new JetconnectException("cannot encode event " + event.getId()
                    + ": " + PublishErrors.describe(e)));
        }
        return p.submit(new Pending(p, event.getId(), subject, headers, body, start));
    }

    /** The subject the event goes to; an event with no valid subject, which the sink refuses, gets one key. */
    @Override
    public String orderKey(CloudEvent event) {
        SubjectTemplate t = template;
        if (t == null) {
            return "";
        }
        try {
            return t.resolve(event);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** @return whether an emit would be refused now without being looked at; for tests */
    boolean refusesNow() {
        Publisher p = publisher;
        return p == null || p.refusesNow();
    }

    /** Stops accepting events, waits up to {@code ack-timeout} for the PubAcks of those held, closes NATS. */
    @Override
    public void close() {
        ConnectionWatch w = watch;
        if (w != null) {
            w.close(); // first: the connections closed below are not an outage
        }
        FirstConnection f = first;
        if (f != null) {
            f.close();
        }
        Publisher p = publisher;
        if (p != null) {
            p.close();
        }
        NatsConnector c = connector;
        if (c != null) {
            c.close(); // last: the publisher's last PubAcks arrive on it
        }
    }
}
