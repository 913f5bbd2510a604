package io.jetconnect.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real HTTP server on the loopback interface for the {@code webhook} sink to POST to: it records every request
 * to {@code /hook} (headers, lower-case names, and body) and answers with the status the test sets, with a
 * {@code Retry-After} header when the test sets one.
 */
final class WebhookTarget implements AutoCloseable {

    /** One request as received. */
    record Request(String method, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile String retryAfter;
    private final AtomicBoolean closed = new AtomicBoolean();

    WebhookTarget() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), headers, body));
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    /** @return the URL the webhook sink is to POST to */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answers every following request with {@code status}, and {@code Retry-After} if not null. */
    void answer(int status, String retryAfter) {
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** @return every request received so far, in order */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Stops the server; requests then fail to connect. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
        }
    }
}
