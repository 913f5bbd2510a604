package io.jetconnect.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * NATS connections shared by the components of every pipeline that connect with the same settings: a reference
 * counted pool, so that a thousand pipelines hold a few connections (and their reader and writer threads and
 * buffers) instead of a thousand.
 *
 * <p>Components whose connections are interchangeable name the same <em>key</em> (the {@code NatsSettings} and
 * every option that makes their connections differ). A key's group has at most {@link #perGroup()} connections;
 * each {@link #lease lease} takes a share of the least shared one and keeps it for its life, so that the sharers
 * of a connection stay the same. A connection is opened on the first {@link Lease#connection()} of its share and
 * closed when its last lease is closed.
 *
 * <p>A fence: a component that must be sure nothing it sent before is still queued or awaited (the jetstream sink
 * after a transport failure) {@linkplain Lease#fence fences} the connection: it is closed for every sharer, which
 * settles what each of them had in flight, and the next {@link Lease#connection()} of any of them opens a new one.
 * The sharers see the fence as a lost connection, in their listeners ({@link Lease#listen}) and in failed
 * requests: they are fenced together.
 *
 * <p>Logging: a shared connection is no one pipeline's. Its opener runs, and its events reach every sharer's
 * listener, with the MDC holding only {@code connection}, its group and position ({@code jetstream-sink#0});
 * each listener starts from that (one that puts its own pipeline in the MDC does not hand it to the next), and the
 * thread's MDC is put back afterwards.
 *
 * <p>Thread-safe. Opening a connection blocks the callers of the same share until it is open (or failed); other
 * shares are not held up.
 */
public final class SharedConnections {

    /**
     * Connections a group spreads its leases over. More than one so that one fence does not stall every pipeline
     * at once, and so that one socket's writer is not the ceiling of all pipelines together; few, because each
     * costs a reader and a writer thread and their buffers.
     */
    private static final int DEFAULT_PER_GROUP = 4;

    private static final SharedConnections JVM = new SharedConnections(DEFAULT_PER_GROUP);

    /**
     * Opens a connection of a group whose events go to {@code events}; the first lease's opener serves the group. It
     * runs with the MDC naming the connection (see the class comment), which its own logging listeners should keep.
     */
    @FunctionalInterface
    public interface Opener {
        Connection open(ConnectionListener events) throws IOException, InterruptedException;
    }

    private final int perGroup;
    private final Map<Object, Share[]> groups = new HashMap<>(); // guarded by this

    /** @param perGroup the most connections of one key */
    public SharedConnections(int perGroup) {
        if (perGroup < 1) {
            throw new IllegalArgumentException("perGroup " + perGroup);
        }
        this.perGroup = perGroup;
    }

    /** @return the pool of this JVM, which every component of the runtime uses */
    public static SharedConnections jvm() {
        return JVM;
    }

    /** @return the most connections one key has */
    public int perGroup() {
        return perGroup;
    }

    /** {@link #lease(Object, String, Opener)} of a group named {@code nats} in logs. */
    public Lease lease(Object key, Opener opener) {
        return lease(key, "nats", opener);
    }

    /**
     * Takes a share of the least shared connection of the key's group; opens nothing yet.
     *
     * @param key equal keys share connections: the settings and the options that make connections differ
     * @param name names the group in logs, with each connection's position: {@code name#0}
     * @param opener how to open a connection of this group, used while the group exists
     * @return the lease; close it when done
     */
    public synchronized Lease lease(Object key, String name, Opener opener) {
        Share[] group = groups.computeIfAbsent(key, k -> new Share[perGroup]);
        int pick = 0;
        for (int i = 0; i < group.length; i++) {
            if (group[i] == null || group[i].refs == 0) {
                group[i] = group[i] == null ? new Share(key, i, opener, LogContext.shared(name + "#" + i))
                        : group[i];
                pick = i;
                break;
            }
            if (group[i].refs < group[pick].refs) {
                pick = i;
            }
        }
        group[pick].refs++;
        return new Lease(group[pick]);
    }

    /**
     * Takes a share of the least shared connection of the key's group that is open now, if any: for a brief use
     * (a paused source's lag read) that a running sharer's connection can serve, and that should not open one.
     *
     * @return the lease, whose {@link Lease#connection()} is that connection while it stays open; empty if the
     *     group has no open connection
     */
    public synchronized java.util.Optional<Lease> leaseOpen(Object key) {
        Share pick = null;
        Share[] group = groups.get(key);
        if (group != null) {
            for (Share share : group) {
                boolean open = share != null && share.refs > 0 && share.current != null
                        && share.current.getStatus() != Connection.Status.CLOSED;
                if (open && (pick == null || share.refs < pick.refs)) {
                    pick = share;
                }
            }
        }
        if (pick == null) {
            return java.util.Optional.empty();
        }
        pick.refs++;
        return java.util.Optional.of(new Lease(pick));
    }

    /** @return how many connections are open now, for every key; for tests and the bench */
    public synchronized int openConnections() {
        int open = 0;
        for (Share[] group : groups.values()) {
            for (Share share : group) {
                if (share != null && share.current != null
                        && share.current.getStatus() != Connection.Status.CLOSED) {
                    open++;
                }
            }
        }
        return open;
    }

    /** @return how many callers wait for a connection of the key's group to open; for tests */
    synchronized int waitingToOpen(Object key) {
        int waiting = 0;
        Share[] group = groups.get(key);
        if (group != null) {
            for (Share share : group) {
                waiting += share == null ? 0 : share.opening.getQueueLength();
            }
        }
        return waiting;
    }

    /** @return the leases of each connection of the key's group, by position; for tests */
    synchronized List<Integer> refs(Object key) {
        List<Integer> refs = new ArrayList<>();
        Share[] group = groups.get(key);
        if (group != null) {
            for (Share share : group) {
                refs.add(share == null ? 0 : share.refs);
            }
        }
        return refs;
    }

    /** Gives a share back; the last one out closes its connection and, once a group is unused, forgets it. */
    private void release(Share share) {
        // Not under the share's opening lock: a stop or reload must not wait behind connects that time out. A
        // connection an open in flight makes after this is closed by that open (Lease#connection).
        Connection toClose = null;
        synchronized (this) {
            share.refs--;
            if (share.refs == 0) {
                toClose = share.current;
                share.current = null;
                Share[] group = groups.get(share.key);
                boolean unused = true;
                for (Share s : group) {
                    unused &= s == null || s.refs == 0;
                }
                if (unused) {
                    groups.remove(share.key);
                }
            }
        }
        if (toClose != null) {
            close(toClose);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // closing is best effort: nobody uses it any more
        }
    }

    /** One connection of a group and who shares it. */
    private static final class Share {

        final Object key;
        final int position;
        final Opener opener;
        /** Held while opening, so that the sharers of this connection wait for one connection, not open one each. */
        final ReentrantLock opening = new ReentrantLock();
        final Set<ConnectionListener> listeners = new CopyOnWriteArraySet<>();
        /** The MDC of its log lines and its sharers' listeners. */
        final Map<String, String> logContext;
        final ConnectionListener fanOut = (connection, event) -> {
            Map<String, String> before = LogContext.enter(null);
            try {
                for (ConnectionListener l : listeners) {
                    LogContext.restore(logContext());
                    l.connectionEvent(connection, event);
                }
            } finally {
                LogContext.restore(before);
            }
        };
        int refs; // guarded by the pool
        volatile Connection current; // written under the pool
        /** The last open's failure and when it ended, read and written under {@link #opening}. */
        IOException lastFailure;
        long lastFailureNanos;

        Share(Object key, int position, Opener opener, Map<String, String> logContext) {
            this.key = key;
            this.position = position;
            this.opener = opener;
            this.logContext = logContext;
        }

        Map<String, String> logContext() {
            return logContext;
        }
    }

    /** One component's share of a connection. Thread-safe. */
    public final class Lease implements AutoCloseable {

        private final Share share;
        private final List<ConnectionListener> mine = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private Lease(Share share) {
            this.share = share;
        }

        /**
         * @return the shared connection: the one open now (reconnecting counts as open), or a new one if there is
         *     none or it was closed (fenced, or lost for good)
         * @throws IOException if a new one could not be opened; its message is the opener's
         * @throws IllegalStateException if this lease is closed
         */
        public Connection connection() throws IOException, InterruptedException {
            long asked = System.nanoTime();
            share.opening.lockInterruptibly();
            try {
                if (closed) {
                    throw new IllegalStateException("the NATS connection lease is closed");
                }
                Connection c = share.current;
                if (c != null && c.getStatus() != Connection.Status.CLOSED) {
                    return c;
                }
                IOException failed = share.lastFailure;
                if (failed != null && share.lastFailureNanos - asked > 0) {
                    // An open that began while this caller waited has just failed: one attempt answers all of
                    // them, so that N sharers do not time out one after another.
                    throw new IOException(failed.getMessage(), failed);
                }
                Connection fresh;
                Map<String, String> caller = LogContext.enter(share.logContext);
                try {
                    fresh = share.opener.open(share.fanOut);
                } catch (IOException e) {
                    share.lastFailure = e;
                    share.lastFailureNanos = System.nanoTime();
                    throw e;
                } finally {
                    LogContext.restore(caller);
                }
                boolean unused;
                synchronized (SharedConnections.this) {
                    unused = share.refs == 0 || closed;
                    if (!unused) {
                        share.current = fresh;
                        share.lastFailure = null;
                    }
                }
                if (unused) {
                    // Every lease was given back while it opened.
                    SharedConnections.close(fresh);
                    throw new IllegalStateException("the NATS connection lease is closed");
                }
                return fresh;
            } finally {
                share.opening.unlock();
            }
        }

        /**
         * Closes {@code connection} for every sharer if it is still this share's, so that nothing sent on it before
         * is still queued or awaited; the next {@link #connection()} opens a new one. Does nothing for a connection
         * the share has already replaced. Blocks while the connection closes; sharers that ask for the connection
         * meanwhile get a new one.
         */
        public void fence(Connection connection) {
            boolean current;
            synchronized (SharedConnections.this) {
                current = connection != null && share.current == connection;
                if (current) {
                    // Given up before it is closed: closing takes a while, during which jnats still says CONNECTED,
                    // and a sharer asking meanwhile must get the next connection, not this one.
                    share.current = null;
                }
            }
            if (current) {
                SharedConnections.close(connection); // outside the pool's lock: closing settles requests whose callbacks may lease
            }
        }

        /** Tells {@code listener} every event of this share's connections, until the lease is closed. */
        public void listen(ConnectionListener listener) {
            if (!closed) {
                mine.add(listener);
                share.listeners.add(listener);
            }
        }

        /** @return which connection of its group this lease shares, from 0; for tests and logs */
        public int position() {
            return share.position;
        }

        /** Gives the share back; the last lease of a connection closes it. Idempotent. */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            for (ConnectionListener l : mine) {
                share.listeners.remove(l);
            }
            release(share);
        }
    }
}
