package com.example.jetconnect;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * The {@code webhook} sink: POSTs each event to a URL with the CloudEvents HTTP binding, binary mode by default.
 *
 * <pre>
 * sinks = [ { type = webhook, url = "https://hooks.example.com/events", headers { Authorization = "Bearer ..." } } ]
 * </pre>
 *
 * <p>An event is durably handled when the target answers {@code 2xx}. The stage fails with a
 * {@link io.jetconnect.spi.RetriableException} when trying again may help: the target cannot be reached or times
 * out, or answers {@code 5xx}, {@code 408} or {@code 429} ({@code 429} and {@code 503} as a
 * {@link io.jetconnect.spi.BackpressureException} carrying the target's {@code Retry-After}); with a permanent
 * {@link JetconnectException} for any other answer ({@code 400}, {@code 401}, {@code 404}...: the same event will be
 * refused again). The sink itself never retries: the runtime and its decorators decide that.
 *
 * <p>Requests are sent one at a time, in the order of {@link #emit}, so the target sees events in order. When one
 * fails as retriable, the events waiting behind it fail too rather than overtake it. Settings and defaults: this
 * plugin's {@code reference.conf}.
 */
@Extension
@TypeName("webhook")
public final class WebhookSink implements EventSink {

    private volatile OrderedPoster poster;

    @Override
    public void open(SinkContext context) {
        WebhookSettings settings = WebhookSettings.from(context.config());
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        poster = new OrderedPoster(settings, client, context.metrics());
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        OrderedPoster current = poster;
        if (current == null) {
            return CompletableFuture.failedFuture(new JetconnectException("the webhook sink was not opened"));
        }
        return current.post(event);
    }

    /** Fails what still waits; Java 17's HttpClient has no close(), its idle threads end by themselves. */
    @Override
    public void close() {
        OrderedPoster current = poster;
        if (current != null) {
            current.close();
        }
    }
}
