package io.jetconnect.plugins.http;

import io.jetconnect.spi.IngressResponse;

/**
 * Thrown while a request is read and parsed to refuse it with a 4xx answer; nothing of the request has been emitted
 * then. Carries no stack trace: it is control flow that a misbehaving client can trigger at will.
 */
final class RequestRejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** No event index: the whole request is at fault, not one of its events. */
    static final int NO_INDEX = -1;

    private final int status;
    private final int index;

    private RequestRejection(int status, String message, int index) {
        super(message, null, false, false);
        this.status = status;
        this.index = index;
    }

    /** @return a 400 for the event at {@code index} (0 for a single event or a request-level fault) */
    static RequestRejection invalid(String message, int index) {
        return new RequestRejection(400, message, index);
    }

    /** @return a 413 */
    static RequestRejection tooLarge(String message) {
        return new RequestRejection(413, message, NO_INDEX);
    }

    /** @return a 415 */
    static RequestRejection unsupportedMediaType(String message) {
        return new RequestRejection(415, message, NO_INDEX);
    }

    /** @return a 403 for the event at {@code index}: its tenant is not one the request's credentials may write */
    static RequestRejection forbidden(String message, int index) {
        return new RequestRejection(403, message, index);
    }

    int status() {
        return status;
    }

    int index() {
        return index;
    }

    IngressResponse response() {
        return index == NO_INDEX ? Replies.error(status, getMessage()) : Replies.error(status, getMessage(), index);
    }
}
