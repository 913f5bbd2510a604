package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.Outcome;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Decides, once and for the whole plugin, what a failed publish means.
 *
 * <ul>
 *   <li>{@link Kind#TRANSPORT}: the connection cannot be trusted any more ({@link IOException}, a timeout, a
 *       cancelled request, a closed or full connection). Retriable; the connection is closed and replaced before
 *       anything is re-published, so nothing it still buffers can be stored out of order.</li>
 *   <li>{@link Kind#RETRIABLE}: the server refused this message for now ({@link JetStreamApiException} whose code
 *       says storage is full or JetStream is unavailable). Retriable; the connection stays.</li>
 *   <li>{@link Kind#PERMANENT}: the server will never take this message (too large, sealed stream, an expectation
 *       that does not hold, a bad request) or the client refused it ({@link IllegalArgumentException}).</li>
 * </ul>
 */
final class PublishErrors {

    /** What a failure means for the event and for the connection. */
    enum Kind { TRANSPORT, RETRIABLE, PERMANENT }

    /**
     * A classified failure.
     *
     * @param kind what it means
     * @param message a description safe to log and to put in an exception (credentials scrubbed)
     */
    record Failure(Kind kind, String message) {
        boolean permanent() {
            return kind == Kind.PERMANENT;
        }
    }

    /** Codes that will fail the same way on every attempt. */
    private static final Set<Integer> PERMANENT_CODES = Set.of(
            10003, // bad request
            10025, // invalid JSON
            10054, // message size exceeds the stream's max_msg_size
            10060, // expected stream does not match
            10070, // wrong last msg ID
            10071, // wrong last sequence
            10097, // header size exceeds the maximum
            10109); // invalid operation on a sealed stream

    /** Codes that may succeed later although the server reports them as client errors. */
    private static final Set<Integer> RETRIABLE_CODES = Set.of(
            10002, // resource limits exceeded for the account
            10008, // JetStream temporarily unavailable
            10023, // insufficient resources
            10028, // insufficient memory resources
            10047, // insufficient storage resources
            10077); // storing the message failed (limits with discard new, disk)

    private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

    private PublishErrors() {
    }

    /** @return what a failed publish means: thrown by the request, failing its reply future, or read from the reply */
    static Failure classify(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof JetStreamApiException api) {
            int code = api.getApiErrorCode();
            Kind kind = PERMANENT_CODES.contains(code) ? Kind.PERMANENT
                    : RETRIABLE_CODES.contains(code) || api.getErrorCode() >= 500 ? Kind.RETRIABLE
                    : Kind.PERMANENT;
            return new Failure(kind, "JetStream refused the message: " + scrub(api.getErrorDescription())
                    + " (code " + api.getErrorCode() + ", error " + code + ")");
        }
        if (t instanceof IllegalArgumentException) {
            return new Failure(Kind.PERMANENT, "the client refused the message: " + scrub(t.getMessage()));
        }
        if (t instanceof TimeoutException || t instanceof CancellationException) {
            return new Failure(Kind.TRANSPORT, "no PubAck: " + scrub(t.getMessage()));
        }
        if (t instanceof IOException || t instanceof IllegalStateException || t instanceof JetStreamStatusException
                || t instanceof InterruptedException) {
            return new Failure(Kind.TRANSPORT, "NATS connection failed: " + describe(t));
        }
        return new Failure(Kind.PERMANENT, "unexpected failure: " + describe(t));
    }

    /**
     * Strips the wrappers that futures add ({@link Outcome#unwrap}) and the plain {@code RuntimeException} that jnats
     * wraps a server's refusal in.
     */
    static Throwable unwrap(Throwable error) {
        Throwable t = Outcome.unwrap(error);
        while (t.getClass() == RuntimeException.class && t.getCause() != null && t.getCause() != t) {
            t = Outcome.unwrap(t.getCause());
        }
        return t;
    }

    /** @return the class and scrubbed message of an exception, for logs and messages */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + scrub(message);
    }

    /** @return the text with the userinfo of any URL in it replaced by {@code ***} */
    static String scrub(String text) {
        return text == null ? "" : USERINFO.matcher(text).replaceAll("$1***@");
    }
}
