package io.jetconnect.runtime.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a live-feed client's thread writes: Server-Sent Events or WebSocket text frames. Each write is made on the
 * connection's event loop and waited for, at most {@code write-timeout}: a client that accepts nothing for that
 * long is disconnected, so nothing piles up in memory behind a slow one.
 */
abstract class FeedOut {

    private static final Logger LOG = LoggerFactory.getLogger(FeedOut.class);

    private final Context context;
    private final Duration writeTimeout;
    private volatile boolean closed;

    FeedOut(Context context, Duration writeTimeout) {
        this.context = context;
        this.writeTimeout = writeTimeout;
    }

    /** Answers an error instead of a feed (before {@link #open()}). */
    abstract void refuse(int status, String message);

    abstract void open() throws IOException;

    abstract void connected() throws IOException;

    abstract void gap(long requested, long firstSequence) throws IOException;

    abstract void keepAlive() throws IOException;

    abstract void events(List<Message> batch) throws IOException;

    abstract void error(String reason) throws IOException;

    /** Ends the feed and closes the connection. */
    abstract void close();

    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** Runs a write on the event loop and waits until the socket took it. */
    void await(Supplier<Future<Void>> write) throws IOException {
        if (closed) {
            throw new IOException("the client went away");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        onContext(() -> {
            try {
                write.get().onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("live feed client accepted nothing for {}; disconnecting", writeTimeout);
            closed = true;
            close();
            throw new IOException("write timed out");
        } catch (ExecutionException e) {
            closed = true;
            throw new IOException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    void onContext(Runnable action) {
        try {
            context.runOnContext(ignored -> action.run());
        } catch (RuntimeException listenerClosed) {
            closed = true;
        }
    }

    /** {@code text/event-stream}: {@code id:}, {@code event:} and {@code data:} lines per event. */
    static final class Sse extends FeedOut {
        private final Exchange exchange;
        private final HttpServerResponse response;

        Sse(Exchange exchange, Duration writeTimeout) {
            super(exchange.context(), writeTimeout);
            this.exchange = exchange;
            this.response = exchange.request().response();
            onContext(() -> response.closeHandler(ignored -> markClosed()));
        }

        @Override
        void refuse(int status, String message) {
            HttpListener.sendError(exchange, status, message);
        }

        @Override
        void open() throws IOException {
            if (!exchange.claim()) {
                throw new IOException("already answered");
            }
            await(() -> {
                response.setStatusCode(200).setChunked(true)
                        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache");
                return response.writeHead();
            });
        }

        @Override
        void connected() throws IOException {
            write(": connected\n\n");
        }

        @Override
        void gap(long requested, long firstSequence) throws IOException {
            write("event: gap\ndata: " + HttpListener.JSON.createObjectNode().put("requested", requested)
                    .put("firstSequence", firstSequence) + "\n\n");
        }

        @Override
        void keepAlive() throws IOException {
            write(": keep-alive\n\n");
        }

        @Override
        void events(List<Message> batch) throws IOException {
            StringBuilder text = new StringBuilder();
            for (Message m : batch) {
                text.append("id: ").append(m.metaData().streamSequence()).append('\n');
                byte[] json = LiveFeed.json(m);
                String data;
                if (json != null) {
                    text.append("event: cloudevent\n");
                    data = new String(json, StandardCharsets.UTF_8);
                } else {
                    text.append("event: invalid\n");
                    data = LiveFeed.invalid(m).toString();
                }
                for (String line : data.split("\n", -1)) {
                    text.append("data: ").append(line).append('\n');
                }
                text.append('\n');
            }
            write(text.toString());
        }

        @Override
        void error(String reason) throws IOException {
            write("event: error\ndata: " + HttpListener.JSON.createObjectNode().put("reason", reason) + "\n\n");
        }

        private void write(String text) throws IOException {
            await(() -> response.write(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
        }

        @Override
        void close() {
            markClosed();
            onContext(() -> {
                try {
                    if (!response.ended() && !response.closed() && response.headWritten()) {
                        response.end();
                    }
                    exchange.request().connection().close();
                } catch (RuntimeException e) {
                    LOG.debug("live feed connection already gone: {}", e.toString());
                }
            });
        }
    }

    /** WebSocket: one JSON object per text frame. */
    static final class WebSocket extends FeedOut {
        private final ServerWebSocket socket;

        WebSocket(ServerWebSocket socket, Context context, Duration writeTimeout) {
            super(context, writeTimeout);
            this.socket = socket;
            onContext(() -> socket.closeHandler(ignored -> markClosed()));
        }

        @Override
        void refuse(int status, String message) {
            try {
                frame(HttpListener.JSON.createObjectNode().put("type", "error").put("status", status)
                        .put("reason", message));
            } catch (IOException e) {
                LOG.debug("live feed client gone before its refusal: {}", e.toString());
            }
            close();
        }

        @Override
        void open() {
            // The upgrade was the answer.
        }

        @Override
        void connected() {
            // Nothing to say: the first frame is an event, a gap or an error.
        }

        @Override
        void gap(long requested, long firstSequence) throws IOException {
            frame(HttpListener.JSON.createObjectNode().put("type", "gap").put("requested", requested)
                    .put("firstSequence", firstSequence));
        }

        @Override
        void keepAlive() throws IOException {
            await(() -> socket.writePing(Buffer.buffer("keep-alive")));
        }

        @Override
        void events(List<Message> batch) throws IOException {
            for (Message m : batch) {
                byte[] json = LiveFeed.json(m);
                if (json == null) {
                    frame(LiveFeed.invalid(m).put("type", "invalid"));
                } else {
                    ObjectNode node = HttpListener.JSON.createObjectNode().put("type", "cloudevent")
                            .put("sequence", m.metaData().streamSequence());
                    // The event as the JSON format wrote it, data bytes and all: not parsed and written again.
                    node.putRawValue("event", new RawValue(new String(json, StandardCharsets.UTF_8)));
                    frame(node);
                }
            }
        }

        @Override
        void error(String reason) throws IOException {
            frame(HttpListener.JSON.createObjectNode().put("type", "error").put("reason", reason));
        }

        private void frame(ObjectNode node) throws IOException {
            String text = node.toString();
            await(() -> socket.writeTextMessage(text));
        }

        @Override
        void close() {
            markClosed();
            onContext(() -> {
                if (!socket.isClosed()) {
                    socket.close();
                }
            });
        }
    }
}
