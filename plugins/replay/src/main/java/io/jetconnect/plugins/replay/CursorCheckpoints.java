package io.jetconnect.plugins.replay;

import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.RetriableException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a source stores its cursor: every {@value #INTERVAL_MILLIS} ms and every half window of handled events,
 * so that a crash repeats at most max-in-flight events not yet handled plus half as many handled but not yet
 * stored; and never a position the read does not hold yet, nor the same one twice. A store the cursor store
 * refuses for now is logged and tried again at the next checkpoint. Owned by the source's thread.
 */
final class CursorCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(CursorCheckpoints.class);
    /** The "every 200 ms" that reference.conf promises under {@code cursor}. */
    private static final long INTERVAL_MILLIS = 200;
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);

    private final CursorStore store;
    private final String key;
    private final long everyHandled;
    private final String label;
    private boolean known;
    private long lastStored = Long.MIN_VALUE;
    private long nextAt;
    private long handledAt;

    CursorCheckpoints(CursorStore store, ReplaySettings settings, String label) {
        this.store = store;
        this.key = settings.cursorKey();
        this.everyHandled = Math.max(1, settings.maxInFlight() / 2);
        this.label = label;
    }

    /**
     * @return the stored cursor, if any; from then on the read holds a position when one was stored
     * @throws RetriableException if the store cannot answer now
     */
    OptionalLong load() {
        OptionalLong stored = store.load(key);
        if (stored.isPresent()) {
            lastStored = stored.getAsLong();
            known = true;
        }
        return stored;
    }

    /** The read holds a position now (where its first consumer began), worth storing. */
    void positionKnown() {
        known = true;
    }

    /** @return whether a checkpoint is due, {@code handled} events being handled so far; starts the next period */
    boolean due(long now, long handled) {
        if (now < nextAt && handled - handledAt < everyHandled) {
            return false;
        }
        nextAt = now + INTERVAL;
        handledAt = handled;
        return true;
    }

    /** Stores {@code position} if it is known and moved since the last store. */
    void store(long position) {
        if (!known || position == lastStored) {
            return;
        }
        try {
            store.store(key, position);
            lastStored = position;
        } catch (RetriableException e) {
            LOG.warn("{}: cannot store the cursor {} now: {}", label, position, e.getMessage());
        }
    }
}
