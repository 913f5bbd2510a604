package io.jetconnect.runtime.http;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its answer, for the routes: the shape the JDK server's exchange had (request headers, response
 * headers, a body stream, one answer), over a Vert.x request. It may be answered from any thread: the answer is
 * written on the request's event loop. Only the first answer counts, so a watchdog and a late handler cannot both
 * write.
 */
final class Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final HttpServerRequest request;
    private final Context context;
    private final String path;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Buffer body = Buffer.buffer();
    private volatile Runnable afterAnswer = () -> { };
    private volatile boolean closeAfter;

    Exchange(HttpServerRequest request, Context context, String path) {
        this.request = request;
        this.context = context;
        this.path = path;
    }

    HttpServerRequest request() {
        return request;
    }

    Context context() {
        return context;
    }

    /** @return the method, upper-case */
    String getRequestMethod() {
        return request.method().name();
    }

    /** @return the decoded path */
    String path() {
        return path;
    }

    /** @return the request's headers */
    RequestHeaders getRequestHeaders() {
        return new RequestHeaders(request.headers());
    }

    /** @return headers to send with the answer */
    ResponseHeaders getResponseHeaders() {
        return new ResponseHeaders();
    }

    /** @return the body collected before the route ran (bounded by the route) */
    InputStream getRequestBody() {
        return new ByteArrayInputStream(body.getBytes());
    }

    void body(Buffer collected) {
        this.body = collected;
    }

    /** Runs after the answer is written (or could not be). */
    /** Adds an action to run once the answer is written (or the exchange given up); actions run in the order added. */
    void afterAnswer(Runnable action) {
        Runnable before = this.afterAnswer;
        this.afterAnswer = () -> {
            before.run();
            action.run();
        };
    }

    /** Closes the connection once answered: the request's body was not read to its end. */
    void closeAfterAnswer() {
        this.closeAfter = true;
    }

    /** Takes the right to answer for a route that writes the response itself (the live feed). */
    boolean claim() {
        return answered.compareAndSet(false, true);
    }

    boolean answered() {
        return answered.get();
    }

    /**
     * Answers, once; later calls do nothing.
     *
     * @return whether this call answered
     */
    boolean send(int status, String contentType, Map<String, String> headers, byte[] bytes) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        context.runOnContext(ignored -> write(status, contentType, headers, bytes));
        return true;
    }

    private void write(int status, String contentType, Map<String, String> headers, byte[] bytes) {
        HttpServerResponse response = request.response();
        try {
            if (response.ended() || response.closed()) {
                return;
            }
            response.setStatusCode(status);
            response.putHeader("Content-Type", contentType);
            responseHeaders.forEach(response::putHeader);
            headers.forEach(response::putHeader);
            if (closeAfter || !request.isEnded()) {
                // The body was not read to its end: the connection cannot carry another request.
                response.putHeader("Connection", "close");
            }
            boolean head = request.method().name().equals("HEAD");
            var done = head || bytes.length == 0 ? response.end() : response.end(Buffer.buffer(bytes));
            done.onComplete(ar -> {
                if (closeAfter || !request.isEnded()) {
                    request.connection().close();
                }
                afterAnswer.run();
            });
        } catch (RuntimeException e) {
            LOG.debug("client went away before the response: {}", e.toString());
            afterAnswer.run();
        }
    }

    /** The request headers, looked up in any case. */
    static final class RequestHeaders {
        private final MultiMap headers;

        RequestHeaders(MultiMap headers) {
            this.headers = headers;
        }

        String getFirst(String name) {
            return headers.get(name);
        }
    }

    /** Headers added to the answer. */
    final class ResponseHeaders {
        void set(String name, String value) {
            responseHeaders.put(name, value);
        }
    }
}
