package com.example.jetconnect;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.delivery.OrderedWindow;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>The order is kept by the SPI's {@link OrderedWindow}: a post submits the event, its answer settles it
 * (succeeded: delivered, or refused for good; failed: to be retried), and the floor moving over it sends the next.
 * A retriable answer fences the window: the events queued behind are failed rather than sent ahead of the retry,
 * and the window is rewound. The window's capacity bounds the queue: the one being sent and {@code max-queued}
 * waiting.
 *
 * <p>Thread-safe: the window's owner calls and the queue beside it are guarded by this object's monitor, and no
 * stage is completed while holding it.
 */
final class OrderedPoster {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedPoster.class);

    private final WebhookSettings settings;
    private final HttpClient client;
    private final PluginMetrics.Counter delivered;
    private final PluginMetrics.Counter retriable;
    private final PluginMetrics.Counter permanent;
    private final PluginMetrics.Timer requests;

    // Guarded by this: the window, and the events it holds in post order, the head being the one sent.
    private final OrderedWindow window;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private long posted;
    private boolean closed;

    OrderedPoster(WebhookSettings settings, HttpClient client, PluginMetrics metrics) {
        this.settings = settings;
        this.client = client;
        String help = "Events the webhook sink posted, by outcome";
        this.delivered = metrics.counter("jetconnect.webhook.events", help, "outcome", "delivered");
        this.retriable = metrics.counter("jetconnect.webhook.events", help, "outcome", "retriable");
        this.permanent = metrics.counter("jetconnect.webhook.events", help, "outcome", "permanent");
        this.requests = metrics.timer("jetconnect.webhook.request", "How long the webhook target took to answer");
        this.window = new OrderedWindow(settings.maxQueued() + 1, 0);
    }

    /** @return a stage that completes when the target has accepted the event, or fails as the class says */
    CompletableFuture<Void> post(CloudEvent event) {
        HttpRequest request;
        try {
            request = request(event);
        } catch (RuntimeException e) {
            permanent.increment();
            return CompletableFuture.failedFuture(
                    new JetconnectException("the event cannot be written as an HTTP request: " + e.getMessage(), e));
        }
        Pending pending;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new RetriableException("the webhook sink is closed"));
            }
            if (!window.hasRoom()) {
                retriable.increment();
                return CompletableFuture.failedFuture(new BackpressureException(
                        "the webhook sink has " + (queue.size() - 1) + " events waiting", settings.retryAfter()));
            }
            pending = new Pending(request, window.submit(++posted));
            queue.add(pending);
            if (queue.size() > 1) {
                return pending.result; // sent when the ones before it are answered
            }
        }
        send(pending);
        return pending.result;
    }

    /** Fails the events still waiting; the one being sent completes with its answer. */
    void close() {
        List<Pending> left = new ArrayList<>();
        synchronized (this) {
            closed = true;
            Pending sending = queue.poll();
            for (Pending waiting; (waiting = queue.poll()) != null; ) {
                window.fail(waiting.ticket);
                left.add(waiting);
            }
            if (sending != null) {
                queue.add(sending);
            }
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
        List<Pending> overtaken = new ArrayList<>();
        Pending next;
        synchronized (this) {
            if (outcome instanceof RetriableException) {
                // Sending the ones behind it now could make them durable before the failed event is retried: they
                // fail too, and the window forgets them all; the runtime hands them over again, oldest first.
                window.fail(pending.ticket);
                for (Pending behind : queue) {
                    if (behind != pending) {
                        window.fail(behind.ticket);
                    }
                }
                // After close() the queue no longer holds the waiting events it failed: the window still counts them.
                for (int forgotten = window.rewind(); forgotten > 0 && !queue.isEmpty(); forgotten--) {
                    Pending gone = queue.poll();
                    if (gone != pending) {
                        overtaken.add(gone);
                    }
                }
            } else {
                // Delivered, or refused for good and reported as such: finished with.
                window.succeed(pending.ticket);
                for (int passed = window.advance(); passed > 0; passed--) {
                    queue.poll();
                }
            }
            next = closed ? null : queue.peek();
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

    /** An event's request, its ticket in the window and the stage of its outcome. */
    private static final class Pending {
        final HttpRequest request;
        final long ticket;
        final CompletableFuture<Void> result = new CompletableFuture<>();

        Pending(HttpRequest request, long ticket) {
            this.request = request;
            this.ticket = ticket;
        }
    }
}
