package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.RetriableException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

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
 * position older than the one another holder stored meanwhile. A store that finds the key moved under a token not
 * greater than its own (an operator's write: a cursor reset, a plain value) reads the revision and writes again.
 * The position is never changed by a claim, so the fencing alone never moves a cursor.
 *
 * <p>Thread-safe: one at a time, a source's thread and the admin API's.
 */
final class FencedCursors {

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

    /** The token a key was claimed with and the revision this store last read or wrote. */
    private record Claim(long token, long revision) {
    }

    private final Bucket bucket;
    private final String pipeline;
    private final SourceLeases.SourceLease fence;
    private final Map<String, Claim> claims = new HashMap<>();

    FencedCursors(Bucket bucket, String pipeline, SourceLeases.SourceLease fence) {
        this.bucket = bucket;
        this.pipeline = pipeline;
        this.fence = fence;
    }

    /**
     * Reads a cursor and claims its key under the lease's current token.
     *
     * @param key the full key
     * @throws RetriableException when this worker does not hold the lease, or a later holder claimed the key
     */
    synchronized OptionalLong load(String key) {
        long token = fence.token();
        if (token == 0 || !fence.verify()) {
            throw notHeld(key, "read");
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<Bucket.Entry> entry = bucket.get(key);
            if (entry.isEmpty()) {
                OptionalLong written = bucket.create(key, new Value(OptionalLong.empty(), token).text());
                if (written.isPresent()) {
                    claims.put(key, new Claim(token, written.getAsLong()));
                    return OptionalLong.empty();
                }
                continue;
            }
            Value stored = Value.parse(entry.get().value());
            if (stored.token() > token) {
                throw superseded(key, stored.token(), token);
            }
            OptionalLong written = stored.token() == token ? OptionalLong.of(entry.get().revision())
                    : bucket.update(key, new Value(stored.position(), token).text(), entry.get().revision());
            if (written.isPresent()) {
                claims.put(key, new Claim(token, written.getAsLong()));
                return stored.position();
            }
        }
        throw busy(key);
    }

    /**
     * Stores a position under the token its key was claimed with; a key not claimed yet (an operator's write
     * before the source read it) is claimed by the write itself, under the lease's current token.
     *
     * @param key the full key
     * @throws RetriableException when this worker does not hold the lease, or a later holder claimed the key
     */
    synchronized void store(String key, long position) {
        if (!fence.verify()) {
            throw notHeld(key, "stored");
        }
        Claim claim = claims.get(key);
        long token = claim != null ? claim.token() : fence.token();
        if (token == 0) {
            throw notHeld(key, "stored");
        }
        String text = new Value(OptionalLong.of(position), token).text();
        long expected = claim != null ? claim.revision() : 0;
        for (int i = 0; i < ATTEMPTS; i++) {
            OptionalLong written = expected > 0 ? bucket.update(key, text, expected) : OptionalLong.empty();
            if (written.isEmpty()) {
                Optional<Bucket.Entry> entry = bucket.get(key);
                if (entry.isPresent()) {
                    long stored = Value.parse(entry.get().value()).token();
                    if (stored > token) {
                        throw superseded(key, stored, token);
                    }
                    expected = entry.get().revision();
                    continue;
                }
                written = bucket.create(key, text);
            }
            if (written.isPresent()) {
                claims.put(key, new Claim(token, written.getAsLong()));
                return;
            }
        }
        throw busy(key);
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
