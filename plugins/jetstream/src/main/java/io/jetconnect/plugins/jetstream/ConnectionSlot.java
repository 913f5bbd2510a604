package io.jetconnect.plugins.jetstream;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The connection the sink publishes on now, and the one it must close before anything is sent again.
 *
 * <p>A transport failure or an overdue PubAck on the current connection {@linkplain #doom dooms} it: the
 * publisher's control thread {@linkplain #takeDoomed takes} it off the slot and closes it, which settles whatever
 * it still had in flight at once, and the next round {@linkplain #ensureConnected connects} again (see
 * {@link NatsConnector} for why a connection is never reused after a failure). Fields are guarded by the
 * {@link Publisher}'s lock, which the slot shares; connecting and closing run without it, since closing cancels
 * PubAcks whose callbacks take it.
 */
final class ConnectionSlot {

    /** Opens a connection; {@link NatsConnector#connect()}, or a fake in tests. */
    @FunctionalInterface
    interface Connector {
        ConnectionEpoch connect() throws IOException, InterruptedException;
    }

    private final Connector connector;
    private final ReentrantLock lock;
    private ConnectionEpoch current;
    private ConnectionEpoch doomed;
    private boolean closed;

    /**
     * @param first the connection opened (and checked) at {@code open()}; null if there is none yet
     * @param lock the publisher's lock
     */
    ConnectionSlot(Connector connector, ConnectionEpoch first, ReentrantLock lock) {
        this.connector = connector;
        this.current = first;
        this.lock = lock;
    }

    /** @return the connection to send on, or null when there is none. Lock held. */
    ConnectionEpoch current() {
        return current;
    }

    /**
     * A send on {@code epoch} failed in transport, or its PubAck is overdue: if it is still the current connection,
     * it is to be closed before anything is sent again. Lock held.
     */
    void doom(ConnectionEpoch epoch) {
        if (epoch != null && epoch == current) {
            epoch.doom(); // closing it fences a shared connection for every sink on it
            doomed = epoch;
        }
    }

    /** @return whether a doomed connection waits to be closed. Lock held. */
    boolean doomed() {
        return doomed != null;
    }

    /** @return the doomed connection, now off the slot, for the caller to close without the lock, or null. Lock held */
    ConnectionEpoch takeDoomed() {
        ConnectionEpoch taken = doomed;
        doomed = null;
        if (taken != null && current == taken) {
            current = null;
        }
        return taken;
    }

    /**
     * Replaces a lost (or missing) connection by a fresh one. Control thread, without the lock.
     *
     * @param onFailure what a failed attempt means for the caller; run with the lock held
     * @return whether a usable connection is current
     */
    boolean ensureConnected(Consumer<Exception> onFailure) {
        ConnectionEpoch seen;
        lock.lock();
        try {
            seen = current;
        } finally {
            lock.unlock();
        }
        if (seen != null && seen.connected()) {
            return true;
        }
        if (seen != null) {
            seen.doom();
            seen.close();
        }
        ConnectionEpoch fresh;
        try {
            fresh = connector.connect();
        } catch (IOException | InterruptedException | RuntimeException e) {
            lock.lock();
            try {
                if (seen != null && current == seen) {
                    current = null;
                }
                onFailure.accept(e);
            } finally {
                lock.unlock();
            }
            return false;
        }
        lock.lock();
        try {
            if (!closed) {
                current = fresh;
                return true;
            }
        } finally {
            lock.unlock();
        }
        fresh.close();
        return false;
    }

    /**
     * Makes a connection made elsewhere (the {@link ConnectionWatch}'s) the current one. Lock held.
     *
     * @return the connection it replaces, for the caller to close without the lock; or null
     */
    ConnectionEpoch replace(ConnectionEpoch fresh) {
        ConnectionEpoch old = current;
        current = fresh;
        if (old == fresh || old == null) {
            return null;
        }
        if (old.connection() != fresh.connection()) {
            old.doom(); // lost: the watch hands over only when no connection of the sink is up
        }
        return old;
    }

    /** @return the current connection, now off the slot for good, for the caller to close; or null. Lock held. */
    ConnectionEpoch close() {
        closed = true;
        ConnectionEpoch last = current;
        current = null;
        doomed = null;
        return last;
    }
}
