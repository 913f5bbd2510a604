package io.jetconnect.plugins.http;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.IngressRequest;
import io.jetconnect.spi.IngressResponse;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.Outcome;
import io.jetconnect.spi.SourceContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one pipeline's ingress requests. On the listener's thread it reads and parses the whole request (any
 * fault refuses it whole, before anything is emitted), then emits its events in order without waiting between them,
 * and answers with a stage that completes once every emit stage has: {@code 202} if all completed normally, else
 * the status of the first permanent failure ({@code 422}, or {@code 500} for a throwable that is no
 * {@link JetconnectException}), else {@code 503} for retriable ones.
 *
 * <p>Nothing thrown while handling a request escapes: the answer is then {@code 500} without details. After
 * {@link #close()} returns, no request emits and every new one is answered {@code 503}.
 */
final class IngressEndpoint implements IngressHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngressEndpoint.class);

    private final SourceContext context;
    private final EventSink chain;
    private final HttpSourceSettings settings;
    private final BodyReader bodies;
    private final JsonEventReader json;
    private final HttpMetrics metrics;

    /** Emitting requests hold the read lock; {@link #close()} takes the write lock to wait them out. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;

    IngressEndpoint(SourceContext context, HttpSourceSettings settings) {
        this.context = context;
        this.chain = context.chain();
        this.settings = settings;
        this.bodies = new BodyReader(settings.maxRequestBytes());
        this.json = new JsonEventReader(settings);
        this.metrics = new HttpMetrics(context.metrics());
    }

    @Override
    public CompletionStage<IngressResponse> handle(IngressRequest request) {
        long start = System.nanoTime();
        CompletionStage<IngressResponse> answer;
        try {
            answer = isStopping() ? CompletableFuture.completedFuture(stopping()) : accept(request);
        } catch (RequestRejection rejection) {
            LOG.debug("Pipeline {}: refused a request with {}: {}", context.pipelineName(), rejection.status(),
                    rejection.getMessage());
            answer = CompletableFuture.completedFuture(rejection.response());
        } catch (Throwable t) {
            LOG.warn("Pipeline {}: failed to handle a request", context.pipelineName(), t);
            answer = CompletableFuture.completedFuture(Replies.internalError());
        }
        return answer.thenApply(response -> {
            metrics.answered(response.status(), System.nanoTime() - start);
            return response;
        });
    }

    /** Stops taking requests; returns once no request is emitting any more. Idempotent. */
    void close() {
        gate.writeLock().lock();
        try {
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    private boolean isStopping() {
        return closed || context.isStopRequested();
    }

    private IngressResponse stopping() {
        return Replies.unavailable("the pipeline is stopping", settings.retryAfter());
    }

    private CompletionStage<IngressResponse> accept(IngressRequest request) {
        IngestAuth auth = settings.auth();
        Grant grant = null;
        if (auth.enabled()) {
            IngestAuth.Result result = auth.authenticate(request);
            if (result.failure() != null) {
                metrics.authenticated(result.failure().outcome);
                LOG.debug("Pipeline {}: refused a request with 401: {}", context.pipelineName(),
                        result.failure().message);
                return CompletableFuture.completedFuture(unauthorized(auth, result.failure()));
            }
            grant = result.grant();
        }
        List<CloudEvent> events = read(request);
        if (grant != null) {
            try {
                events = auth.bind(grant, events);
            } catch (RequestRejection forbidden) {
                metrics.authenticated("forbidden");
                LOG.debug("Pipeline {}: refused a request of {} with 403: {}", context.pipelineName(),
                        grant.principal(), forbidden.getMessage());
                return CompletableFuture.completedFuture(forbidden.response());
            }
            metrics.authenticated("ok");
        }
        CompletableFuture<?>[] stages = new CompletableFuture<?>[events.size()];
        gate.readLock().lock();
        try {
            if (isStopping()) {
                return CompletableFuture.completedFuture(stopping());
            }
            for (int i = 0; i < stages.length; i++) {
                stages[i] = emit(events.get(i));
            }
        } finally {
            gate.readLock().unlock();
        }
        return AllStages.of(stages).thenApply(ignored -> outcome(stages));
    }

    private static IngressResponse unauthorized(IngestAuth auth, IngestAuth.Failure failure) {
        IngressResponse response = Replies.error(401, failure.message);
        if (!auth.challengesBearer()) {
            return response;
        }
        return response.withHeader("WWW-Authenticate", failure == IngestAuth.Failure.INVALID
                ? "Bearer realm=\"jetconnect\", error=\"invalid_token\"" : "Bearer realm=\"jetconnect\"");
    }

    private List<CloudEvent> read(IngressRequest request) {
        String contentType = request.header("content-type").orElse(null);
        MediaType type = contentType == null ? null : MediaType.parse(contentType);
        if (type != null && (type.isBatch() || type.isStructured())) {
            if (!type.isJsonFormat()) {
                throw RequestRejection.unsupportedMediaType("unsupported event format " + type.essence()
                        + "; use " + MediaType.STRUCTURED_JSON + " or " + MediaType.BATCH_JSON);
            }
            if (!type.isUtf8()) {
                throw RequestRejection.unsupportedMediaType("the JSON event format must be encoded in UTF-8");
            }
            byte[] body = bodies.read(request);
            return type.isBatch() ? json.readBatch(body) : json.readStructured(body);
        }
        if (BinaryEventReader.isBinary(request.headers())) {
            return List.of(BinaryEventReader.read(request.headers(), contentType, bodies.read(request)));
        }
        throw RequestRejection.unsupportedMediaType("not a CloudEvent: send " + MediaType.STRUCTURED_JSON + ", "
                + MediaType.BATCH_JSON + ", or ce-* headers (binary mode)");
    }

    private CompletableFuture<Void> emit(CloudEvent event) {
        CompletionStage<Void> stage;
        try {
            stage = chain.emit(event);
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the chain returned no stage"));
        }
        if (stage instanceof CompletableFuture<Void> future) {
            return future;
        }
        CompletableFuture<Void> copy = new CompletableFuture<>();
        stage.whenComplete((ignored, failure) -> {
            if (failure == null) {
                copy.complete(null);
            } else {
                copy.completeExceptionally(failure);
            }
        });
        return copy;
    }

    /** Runs once every stage is complete, on whichever thread completed the last. */
    private IngressResponse outcome(CompletableFuture<?>[] stages) {
        try {
            int handled = 0;
            int permanentIndex = -1;
            Throwable permanent = null;
            Throwable retriable = null;
            Duration retryAfter = null;
            for (int i = 0; i < stages.length; i++) {
                Throwable failure = failureOf(stages[i]);
                switch (Outcome.of(failure)) {
                    case TAKEN -> handled++;
                    case BACKPRESSURE, RETRIABLE -> {
                        retriable = retriable == null ? failure : retriable;
                        if (failure instanceof BackpressureException b
                                && (retryAfter == null || b.retryAfter().compareTo(retryAfter) > 0)) {
                            retryAfter = b.retryAfter();
                        }
                    }
                    case PERMANENT -> {
                        if (permanent == null) {
                            permanent = failure;
                            permanentIndex = i;
                        }
                    }
                }
            }
            metrics.handled(handled);
            if (permanent instanceof JetconnectException) {
                LOG.debug("Pipeline {}: the chain refused event {} of a request: {}", context.pipelineName(),
                        permanentIndex, permanent.getMessage());
                return Replies.error(422, messageOf(permanent, "the event was refused"), permanentIndex);
            }
            if (permanent != null) {
                LOG.warn("Pipeline {}: the chain failed event {} of a request", context.pipelineName(),
                        permanentIndex, permanent);
                return Replies.internalError();
            }
            if (retriable != null) {
                return Replies.unavailable("the pipeline cannot take events now: "
                                + messageOf(retriable, "try again later"),
                        retryAfter == null ? settings.retryAfter() : retryAfter);
            }
            return Replies.accepted(stages.length);
        } catch (Throwable t) {
            LOG.warn("Pipeline {}: failed to answer a request", context.pipelineName(), t);
            return Replies.internalError();
        }
    }

    /** @return the cause a completed stage failed with, or null if it completed normally */
    private static Throwable failureOf(CompletableFuture<?> stage) {
        if (!stage.isCompletedExceptionally()) {
            return null;
        }
        try {
            stage.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return Outcome.unwrap(e);
        }
    }

    private static String messageOf(Throwable failure, String fallback) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? fallback : message;
    }
}
