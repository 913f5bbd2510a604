package com.example.jetconnect;

import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what happened to a webhook request onto jetconnect's two kinds of failure, once: the runtime then decides
 * about retries, spilling and answers to producers. Messages carry the status, never the URL (it may hold a token).
 */
final class Outcomes {

    private Outcomes() {
    }

    /**
     * @param status the target's status code
     * @param retryAfter its {@code Retry-After} header, if any
     * @param defaultRetryAfter the hint to give when the target gives none
     * @return null for {@code 2xx}, else the failure to complete the event's stage with
     */
    static JetconnectException ofAnswer(int status, Optional<String> retryAfter, Duration defaultRetryAfter) {
        if (status >= 200 && status < 300) {
            return null;
        }
        String message = "the webhook target answered " + status;
        if (status == 429 || status == 503) {
            return new BackpressureException(message, retryAfter.flatMap(Outcomes::seconds).orElse(defaultRetryAfter));
        }
        if (status >= 500 || status == 408) {
            return new RetriableException(message);
        }
        // Any other 4xx, and 1xx or 3xx (redirects are not followed: the URL is wrong): the same request fails again.
        return new JetconnectException(message + "; the event is refused for good");
    }

    /** @return the failure for a request that got no answer: retriable for I/O errors, permanent otherwise */
    static JetconnectException ofTransport(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (cause instanceof IOException) {
            // Connection refused or reset, timeouts (HttpTimeoutException is an IOException), TLS failures.
            return new RetriableException("the webhook target could not be reached: " + what, cause);
        }
        return new JetconnectException("the webhook request failed: " + what, cause);
    }

    private static Optional<Duration> seconds(String header) {
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: use the default
        }
    }
}
