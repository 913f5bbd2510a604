package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.RetriableException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cursors of a leased pipeline, fenced by the server: each value carries the fencing token of the hold it was
 * written under ({@link SourceLeases.SourceLease#token()}), and every write is a compare-and-set on the cursor key's
 * revision. A source's first read of a key <em>claims</em> it (writes the same position, or none, under its token),
 * so from then on a write of any earlier holder finds the key moved, reads a greater token and is refused, however
 * long it was delayed after the lease's own check ({@link SourceLeases.SourceLease#verify()}, kept as a cheap early
 * refusal).
 *
 * <p>A store writes under the token its key was claimed with, not the lease's token of the moment: a source that
 * outlived a hold (its worker frozen past the ttl, the lease taken again since) is refused, never let to write a
 * position older than the one another holder stored meanwhile. A store that finds its claimed key deleted or
 * written under a lower token (by hand, while the source ran) writes nothing and has the source started again,
 * which claims the key anew from what it reads: it never creates a key it claimed nor writes over a lower token.
 * Resets go through the admin API with the pipeline paused ({@link #reset}), claimed by the write. The position is
 * never changed by a claim, so the fencing alone never moves a cursor.
 *
 * <p>Claims belong to a session, one source instance ({@link #begin()}): a source thread that outlives its stop
 * writes under none. Thread-safe: one at a time, a source's thread and the admin API's.
 */
final class FencedCursors {

    private static final Logger LOG = LoggerFactory.getLogger(FencedCursors.class);

    /** Reads and writes again at most this often when others keep moving the key. */
    private static final int ATTEMPTS = 8;

    /**
     * What the fencing needs of the cursor bucket, each atomic on the server. A conflict is an answer (empty); a
     * failure to ask is a {@link RetriableException}.
     */
    interface Bucket {

        /** A key's value and its revision (bucket-wide, increasing). */
        record Entry(String value, long revision) {
        }

        /** @return the key's value, empty if it has none (never written, or deleted) */
        Optional<Entry> get(String key);

        /** @return the revision written, or empty when the key has a value */
        OptionalLong create(String key, String value);

        /** @return the revision written, or empty when the key's last revision is not {@code expected} */
        OptionalLong update(String key, String value, long expected);
    }

    /**
     * A cursor value as stored: {@code <position>@<token>}, {@code @<token>} for a key claimed before any position
     * was stored, and a plain {@code <position>} (token 0) as written outside a fleet and before tokens.
     *
     * @param position the position, empty for a bare claim
     * @param token the fencing token it was written under, 0 for none
     */
    record Value(OptionalLong position, long token) {

        /** @throws NumberFormatException when the text is not a cursor value */
        static Value parse(String text) {
            String t = text.trim();
            int at = t.indexOf('@');
            if (at < 0) {
                return new Value(OptionalLong.of(Long.parseLong(t)), 0);
            }
            String position = t.substring(0, at);
            return new Value(position.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(position)),
                    Long.parseLong(t.substring(at + 1)));
        }

        String text() {
            String position = position().isPresent() ? Long.toString(position().getAsLong()) : "";
            return token == 0 ? position : position + "@" + token;
        }
    }

    /**
     * The token a key was claimed with, the revision this store last saw its write of land at, and the value it last
     * sent, which may have landed though its answer was lost.
     */
    private record Claim(long token, long revision, String sent) {
    }

    private final Bucket bucket;
    private final String pipeline;
    private final SourceLeases.SourceLease fence;
    private final Runnable reclaim;
    /** What the current session's source asks to start again with, given the key: {@link #reclaim} unless told. */
    private java.util.function.Consumer<String> sessionReclaim;
    /** The claims of the current session: a source instance's, from its {@link #begin()} to the next. */
    private final Map<String, Claim> claims = new HashMap<>();
    private long session;
    private boolean reclaimAsked;

    FencedCursors(Bucket bucket, String pipeline, SourceLeases.SourceLease fence) {
        this(bucket, pipeline, fence, () -> { });
    }

    /**
     * @param reclaim called (once a session, on the caller's thread) when the session's source must start again
     *     to claim its cursor anew: the key was deleted or written under a lower token while it ran
     */
    FencedCursors(Bucket bucket, String pipeline, SourceLeases.SourceLease fence, Runnable reclaim) {
        this.bucket = bucket;
        this.pipeline = pipeline;
        this.fence = fence;
        this.reclaim = reclaim;
    }

    /**
     * Starts a new session (a new source instance, or none after a stop); the previous one's loads and stores are
     * refused from now on, so a source thread that outlives its stop never writes under the claims of the next.
     *
     * @return the session, for {@link #load(String, long)} and {@link #store(String, long, long)}
     */
    synchronized long begin() {
        return begin(key -> reclaim.run());
    }

    /**
     * {@link #begin()}, with what this session's source asks to start again with (given the key), so that a late
     * request is known to be this source's and not the one started since.
     */
    synchronized long begin(java.util.function.Consumer<String> reclaim) {
        session++;
        claims.clear();
        reclaimAsked = false;
        sessionReclaim = reclaim;
        return session;
    }

    /** {@link #load(String, long)} in the current session. */
    synchronized OptionalLong load(String key) {
        return load(key, session);
    }

    /**
     * A reset (the admin API's, the source paused): the key is claimed by the write, under the lease's current
     * token, over any value written under a token not greater. It is no claim of the session's: a source running
     * anyway (resumed meanwhile) finds its own claim moved and starts again to read the reset.
     *
     * @throws RetriableException when this worker does not hold the lease, or a later holder claimed the key
     */
    synchronized void reset(String key, long position) {
        if (!fence.verify()) {
            throw notHeld(key, "stored");
        }
        claimByWrite(key, position);
    }

    /**
     * Reads a cursor and claims its key under the lease's current token. The claim is always a compare-and-set on
     * the revision read, also when the key already has this token: a read answered by a replica that lags is then
     * refused by the server and read again, never resumed from.
     *
     * @param key the full key
     * @param in the session of the source that reads
     * @throws RetriableException when this worker does not hold the lease, a later holder claimed the key, or the
     *     session ended
     */
    synchronized OptionalLong load(String key, long in) {
        current(key, in);
        long token = fence.token();
        if (token == 0 || !fence.verify()) {
            throw notHeld(key, "read");
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<Bucket.Entry> entry = bucket.get(key);
            if (entry.isEmpty()) {
                String claim = new Value(OptionalLong.empty(), token).text();
                OptionalLong written = bucket.create(key, claim);
                if (written.isPresent()) {
                    claims.put(key, new Claim(token, written.getAsLong(), claim));
                    return OptionalLong.empty();
                }
                continue;
            }
            Value stored = Value.parse(entry.get().value());
            if (stored.token() > token) {
                earlierBucket(key, stored.token(), token);
            }
            String claim = new Value(stored.position(), token).text();
            OptionalLong written = bucket.update(key, claim, entry.get().revision());
            if (written.isPresent()) {
                claims.put(key, new Claim(token, written.getAsLong(), claim));
                return stored.position();
            }
        }
        throw busy(key);
    }

    /**
     * A token greater than this hold's is a later hold's, unless it was written before the fleet bucket was
     * re-created (its revisions, the tokens, start again at 1): told apart by renewing the hold by
     * compare-and-set after the cursor was read, which succeeds only if no other hold began since this one.
     */
    private void earlierBucket(String key, long stored, long token) {
        if (!fence.confirm()) {
            throw superseded(key, stored, token);
        }
        LOG.warn("cursor {} was claimed under lease token {}, greater than this hold's ({}) though no hold of "
                + "pipeline {} began since: written before the fleet bucket was re-created; claiming it", key,
                stored, token, pipeline);
    }

    /**
     * Stores a position under the token its key was claimed with in this session. A key the session never read is
     * claimed by the write, under the lease's current token; a key it claimed is only ever updated under that
     * claim: found deleted, written under a lower token (by hand while the source ran), or holding another value
     * under its own token than this store last sent (a reset), it is not written over but the source is restarted
     * ({@code reclaim}) to read it again. Only the exact value it sent, a write whose answer was lost, is its own.
     *
     * @param key the full key
     * @param in the session of the writer
     * @throws RetriableException when this worker does not hold the lease, another wrote the key since the claim,
     *     or the session ended
     */
    synchronized void store(String key, long position, long in) {
        current(key, in);
        if (!fence.verify()) {
            throw notHeld(key, "stored");
        }
        Claim claim = claims.get(key);
        if (claim == null) {
            claims.put(key, claimByWrite(key, position));
            return;
        }
        String text = new Value(OptionalLong.of(position), claim.token()).text();
        long expected = claim.revision();
        String mine = claim.sent();
        for (int i = 0; i < ATTEMPTS; i++) {
            // Sent before the answer: if it is lost (a RetriableException), the next store knows the value as its own.
            claims.put(key, new Claim(claim.token(), expected, text));
            OptionalLong written = bucket.update(key, text, expected);
            if (written.isPresent()) {
                claims.put(key, new Claim(claim.token(), written.getAsLong(), text));
                return;
            }
            Optional<Bucket.Entry> entry = bucket.get(key);
            long stored = entry.isPresent() ? Value.parse(entry.get().value()).token() : -1;
            if (stored > claim.token()) {
                throw superseded(key, stored, claim.token());
            }
            if (stored < claim.token() || !(entry.get().value().equals(mine) || entry.get().value().equals(text))) {
                askReclaim(key);
                throw new RetriableException("cursor " + key + " not stored: it was " + (entry.isEmpty() ? "deleted"
                        : stored < claim.token() ? "written under lease token " + stored
                        : "set to " + entry.get().value() + " by another writer") + " while the source of pipeline "
                        + pipeline + " ran (reset cursors with the pipeline paused); the source starts again to read "
                        + "it");
            }
            // The value this store last sent: a write of its own whose answer was lost. Write over it.
            expected = entry.get().revision();
        }
        throw busy(key);
    }

    /** @return the claim of the write, for the session to record when the write is a source's */
    private Claim claimByWrite(String key, long position) {
        long token = fence.token();
        if (token == 0) {
            throw notHeld(key, "stored");
        }
        String text = new Value(OptionalLong.of(position), token).text();
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<Bucket.Entry> entry = bucket.get(key);
            if (entry.isPresent()) {
                long stored = Value.parse(entry.get().value()).token();
                if (stored > token) {
                    earlierBucket(key, stored, token);
                }
            }
            OptionalLong written = entry.isEmpty() ? bucket.create(key, text)
                    : bucket.update(key, text, entry.get().revision());
            if (written.isPresent()) {
                return new Claim(token, written.getAsLong(), text);
            }
        }
        throw busy(key);
    }

    private void current(String key, long in) {
        if (in != session) {
            throw new RetriableException("cursor " + key + " of pipeline " + pipeline + ": its source was stopped");
        }
    }

    private void askReclaim(String key) {
        if (!reclaimAsked) {
            reclaimAsked = true;
            sessionReclaim.accept(key);
        }
    }

    private RetriableException notHeld(String key, String done) {
        return new RetriableException("cursor " + key + " not " + done + ": this worker does not hold the lease of "
                + "pipeline " + pipeline + " (another worker runs it now)");
    }

    private RetriableException superseded(String key, long stored, long token) {
        return new RetriableException("cursor " + key + " not stored: another worker holds the lease of pipeline "
                + pipeline + " now (the key was claimed under lease token " + stored + ", this source's is " + token
                + ")");
    }

    private RetriableException busy(String key) {
        return new RetriableException("cursor " + key + " of pipeline " + pipeline + " kept changing while written ("
                + ATTEMPTS + " tries)");
    }
}
