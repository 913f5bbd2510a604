package io.jetconnect.runtime.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits a connection lives under, on one listener: at most {@code max-connections} open; a request head must
 * arrive whole within {@code header-timeout} of the connection opening, and the next one within
 * {@code idle-timeout} of the last answer. A client that sends a header line every few seconds holds no thread
 * (the event loop only buffers its bytes) and is closed when its time is up.
 *
 * <p>It also keeps a connection answerable when its request body goes wrong. Vert.x closes a connection whose body
 * fails to decode (bad chunking) or whose client shuts its sending side mid-body, before anything can answer; the
 * JDK server this replaced answered 400, and clients rely on it. So each connection allows half-closure, and a
 * small handler after the HTTP decoder turns a failed body into an ended one and records why: the ingest route
 * then gives the handler a body that fails at that point, answers, and closes the connection.
 */
final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final String GUARD = "jetconnect-body-guard";

    /** Per connection, touched only on its event loop. */
    static final class State {
        long timer = -1;
        boolean busy;
        Throwable bodyFailure;
        boolean inputClosed;
    }

    private final Vertx vertx;
    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, HttpSettings settings) {
        this.vertx = vertx;
        this.headerTimeout = settings.headerTimeout();
        this.idleTimeout = settings.idleTimeout();
        this.maxConnections = settings.maxConnections();
    }

    /** A new connection: counted, timed, guarded. */
    void opened(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            LOG.warn("refused a connection from {}: {} connections open (jetconnect.http.max-connections)",
                    connection.remoteAddress(), maxConnections);
            connection.close();
            return;
        }
        State state = new State();
        states.put(connection, state);
        connection.closeHandler(ignored -> {
            State s = states.remove(connection);
            if (s != null) {
                cancel(s);
                open.decrementAndGet();
            }
        });
        arm(connection, state, headerTimeout, "its request head did not arrive within " + headerTimeout);
        install(connection, state);
    }

    /** @return the connection's state, or null for one that was refused */
    State state(HttpServerRequest request) {
        return states.get(request.connection());
    }

    /** A request head arrived: no clock runs while it is served. */
    void requestStarted(HttpServerRequest request) {
        State state = states.get(request.connection());
        if (state != null) {
            cancel(state);
            state.busy = true;
        }
    }

    /** Its answer is written: the next request has idle-timeout to arrive. */
    void requestDone(HttpConnection connection) {
        State state = states.get(connection);
        if (state == null) {
            return;
        }
        state.busy = false;
        if (state.inputClosed) {
            connection.close();
            return;
        }
        arm(connection, state, idleTimeout, "idle for " + idleTimeout);
    }

    int open() {
        return open.get();
    }

    private void arm(HttpConnection connection, State state, Duration after, String why) {
        cancel(state);
        state.timer = vertx.setTimer(after.toMillis(), id -> {
            state.timer = -1;
            if (!state.busy) {
                LOG.debug("closing a connection from {}: {}", connection.remoteAddress(), why);
                connection.close();
            }
        });
    }

    private void cancel(State state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
            state.timer = -1;
        }
    }

    private void install(HttpConnection connection, State state) {
        if (!(connection instanceof io.vertx.core.net.impl.ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        if (channel.pipeline().get("httpDecoder") == null || channel.pipeline().get(GUARD) != null) {
            return;
        }
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addAfter("httpDecoder", GUARD, new BodyGuard(connection, state));
    }

    /** Between the HTTP decoder and Vert.x: a body that failed to decode ends instead, its failure recorded. */
    private final class BodyGuard extends ChannelInboundHandlerAdapter {
        private final HttpConnection connection;
        private final State state;

        BodyGuard(HttpConnection connection, State state) {
            this.connection = connection;
            this.state = state;
        }

        /** Between a request head and the end of its body. */
        private boolean inBody;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent content && !(msg instanceof HttpMessage)
                    && content.decoderResult().isFailure()) {
                state.bodyFailure = content.decoderResult().cause();
                content.release();
                inBody = false;
                ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            if (msg instanceof HttpMessage message && message.decoderResult().isSuccess()) {
                inBody = true;
            }
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent) {
                state.inputClosed = true;
                if (inBody) {
                    // The decoder drops a request body cut short by the client's half-close without a word.
                    inBody = false;
                    state.bodyFailure = new java.io.EOFException("the client closed its side before the body ended");
                    ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                } else if (!state.busy) {
                    connection.close();
                }
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
