package com.example.jetconnect;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.RetriableException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the webhook's requests one at a time, in the order they were posted, without blocking the caller: the
 * request for an event is built on the emitting thread, queued, and sent when the one before it has been answered.
 * The stage of each event completes on the HTTP client's threads.
 *
 * <p>Thread-safe: the queue and the sending flag are guarded by this object's monitor, and no stage is completed
 * while holding it.
 */
final class OrderedPoster {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedPoster.class);

    private final WebhookSettings settings;
    private final HttpClient client;
    private final PluginMetrics.Counter delivered;
    private final PluginMetrics.Counter retriable;
    private final PluginMetrics.Counter permanent;
    private final PluginMetrics.Timer requests;

    private final Deque<Pending> waiting = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;

    OrderedPoster(WebhookSettings settings, HttpClient client, PluginMetrics metrics) {
        this.settings = settings;
        this.client = client;
        String help = "Events the webhook sink posted, by outcome";
        this.delivered = metrics.counter("jetconnect.webhook.events", help, "outcome", "delivered");
        this.retriable = metrics.counter("jetconnect.webhook.events", help, "outcome", "retriable");
        this.permanent = metrics.counter("jetconnect.webhook.events", help, "outcome", "permanent");
        this.requests = metrics.timer("jetconnect.webhook.request", "How long the webhook target took to answer");
    }

    /** @return a stage that completes when the target has accepted the event, or fails as the class says */
    CompletableFuture<Void> post(CloudEvent event) {
        Pending pending;
        try {
            pending = new Pending(request(event));
        } catch (RuntimeException e) {
            permanent.increment();
            return CompletableFuture.failedFuture(
                    new JetconnectException("the event cannot be written as an HTTP request: " + e.getMessage(), e));
        }
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new RetriableException("the webhook sink is closed"));
            }
            if (sending) {
                if (waiting.size() >= settings.maxQueued()) {
                    retriable.increment();
                    return CompletableFuture.failedFuture(new BackpressureException(
                            "the webhook sink has " + waiting.size() + " events waiting", settings.retryAfter()));
                }
                waiting.add(pending);
                return pending.result;
            }
            sending = true;
        }
        send(pending);
        return pending.result;
    }

    /** Fails the events still waiting; the one being sent completes with its answer. */
    void close() {
        List<Pending> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(waiting);
            waiting.clear();
        }
        for (Pending pending : left) {
            pending.result.completeExceptionally(new RetriableException("the webhook sink closed before sending"));
        }
    }

    private HttpRequest request(CloudEvent event) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout());
        settings.headers().forEach(request::header);
        return switch (settings.mode()) {
            case BINARY -> HttpBinding.binary(event, request).build();
            case STRUCTURED -> HttpBinding.structured(event, request).build();
        };
    }

    private void send(Pending pending) {
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> answer;
        try {
            answer = client.sendAsync(pending.request, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> answered(pending, response, failure, System.nanoTime() - start));
    }

    private void answered(Pending pending, HttpResponse<Void> response, Throwable failure, long nanos) {
        requests.recordNanos(nanos);
        Throwable outcome = failure == null
                ? Outcomes.ofAnswer(response.statusCode(), response.headers().firstValue("Retry-After"),
                        settings.retryAfter())
                : Outcomes.ofTransport(failure);
        List<Pending> overtaken = List.of();
        Pending next;
        synchronized (this) {
            if (outcome instanceof RetriableException) {
                // Sending these now could make them durable before the failed event is retried: fail them too.
                overtaken = List.copyOf(waiting);
                waiting.clear();
            }
            next = waiting.poll();
            sending = next != null;
        }
        if (outcome == null) {
            delivered.increment();
            pending.result.complete(null);
        } else {
            (outcome instanceof RetriableException ? retriable : permanent).increment();
            LOG.debug("webhook: {}", outcome.getMessage());
            pending.result.completeExceptionally(outcome);
        }
        for (Pending behind : overtaken) {
            retriable.increment();
            behind.result.completeExceptionally(new RetriableException(
                    "not sent: an event before it failed and must be retried first (" + outcome.getMessage() + ")"));
        }
        if (next != null) {
            send(next);
        }
    }

    /** An event's request and the stage of its outcome. */
    private static final class Pending {
        final HttpRequest request;
        final CompletableFuture<Void> result = new CompletableFuture<>();

        Pending(HttpRequest request) {
            this.request = request;
        }
    }
}
