package io.jetconnect.runtime.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A request body as the ingress handler reads it: filled with the chunks the event loop receives, read on a worker
 * thread. The listener collects a body up to its pipeline's size limit before the handler runs, so that a slow
 * sender holds memory for a while but never a thread; past the limit (a body the handler will refuse) the reader
 * takes over, and the request is paused whenever more than {@link #HIGH_WATER} bytes wait unread.
 */
final class IngestBody extends InputStream {

    static final int HIGH_WATER = 256 * 1024;

    private final HttpServerRequest request;
    private final Context context;
    private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
    private Buffer current;
    private int position;
    private long queued;
    private long received;
    private boolean ended;
    private boolean streaming;
    private boolean paused;
    private IOException failure;

    IngestBody(HttpServerRequest request, Context context) {
        this.request = request;
        this.context = context;
    }

    /** On the event loop: one more chunk. */
    synchronized void add(Buffer chunk) {
        chunks.add(chunk);
        queued += chunk.length();
        received += chunk.length();
        if (streaming && queued > HIGH_WATER && !paused) {
            paused = true;
            request.pause();
        }
        notifyAll();
    }

    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized void fail(IOException cause) {
        if (!ended) {
            failure = cause;
            notifyAll();
        }
    }

    synchronized boolean ended() {
        return ended;
    }

    synchronized long received() {
        return received;
    }

    /** From now on the reader drains the body as it comes: pause the sender when it is ahead. */
    synchronized void streaming() {
        streaming = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || position >= current.length()) {
            current = chunks.poll();
            position = 0;
            if (current != null) {
                continue;
            }
            if (paused) {
                paused = false;
                context.runOnContext(ignored -> request.resume());
            }
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the request body");
            }
        }
        int n = Math.min(length, current.length() - position);
        current.getBytes(position, position + n, into, offset);
        position += n;
        queued -= n;
        return n;
    }

    @Override
    public synchronized int available() {
        return current == null ? 0 : current.length() - position;
    }
}
