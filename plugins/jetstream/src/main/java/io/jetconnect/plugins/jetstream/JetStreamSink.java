package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.StreamSpec;
import io.jetconnect.spi.TypeName;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * The terminal sink that publishes CloudEvents to a JetStream stream ({@code type = jetstream}).
 *
 * <p>Each event goes to the subject its template names ({@code {tenantId}} from {@code data.tenantId}), in the
 * CloudEvents NATS binding's structured or binary mode, with {@code Nats-Msg-Id} set to the event id so the stream
 * deduplicates re-publishes; its stage completes when the stream has stored it (a duplicate counts). Publishing is
 * pipelined with up to {@code max-in-flight} PubAcks outstanding, and each subject's events are stored in emit
 * order, across retries and broker restarts ({@link Publisher}): events the sink failed are owed, and nothing newer
 * is stored before they are offered again ({@link OwedEvents}). A circuit breaker makes emits fail fast with a
 * {@link io.jetconnect.spi.BackpressureException} while NATS is unreachable. {@code open()} creates the stream if it
 * is declared and absent, and never changes an existing one.
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

    /** For the plugin framework. */
    public JetStreamSink() {
    }

    @Override
    public void open(SinkContext context) {
        SinkSettings settings = SinkSettings.from(context.config());
        StreamSpec spec = context.stream(settings.stream());
        if (spec.declared()) {
            // A configuration error, reported whether or not NATS is up.
            StreamProvisioner.requireCaptured(spec.subjects(), spec.name(), context.config(), settings.subject());
        }
        CircuitBreaker breaker = new CircuitBreaker(new Backoff(settings.backoffInitial(), settings.backoffMax()),
                System::nanoTime);
        SinkMetrics sinkMetrics = new SinkMetrics(context.metrics(), breaker);
        NatsConnector connector = new NatsConnector(context.nats(), context.pipelineName(), settings.ackTimeout(),
                settings.maxInFlight());
        ConnectionEpoch epoch;
        try {
            epoch = connector.connect();
        } catch (IOException e) {
            throw new RetriableException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while connecting to NATS at " + connector.redactedUrl());
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
        this.template = settings.subject();
        this.encoder = new EventEncoder(settings.binary());
        this.metrics = sinkMetrics;
        this.publisher = new Publisher(settings, connector, epoch, breaker, sinkMetrics, context.pipelineName(),
                spec.name(), context.threadFactory("jetstream"));
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        long start = System.nanoTime();
        Publisher p = publisher;
        if (p == null) {
            return CompletableFuture.failedFuture(new JetconnectException("the jetstream sink is not open"));
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

    /** @return whether an emit would be refused now without being looked at; for tests */
    boolean refusesNow() {
        Publisher p = publisher;
        return p == null || p.refusesNow();
    }

    /** Stops accepting events, waits up to {@code ack-timeout} for the PubAcks of those held, closes NATS. */
    @Override
    public void close() {
        Publisher p = publisher;
        if (p != null) {
            p.close();
        }
    }
}
