package io.jetconnect.runtime.nats;

import io.jetconnect.spi.RetriableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The key-value writes that only land on a revision the writer expects (the fleet's leases, the fenced cursors),
 * and the read they start from: a lost race is an answer, empty; a server that cannot be asked, or refuses otherwise, a {@link RetriableException}
 * (the write may have happened when the answer was lost).
 */
public final class KvCompareAndSet {

    /** The server's answer to a write whose expected last revision is not the key's. */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private KvCompareAndSet() {
    }

    /** @return the key's last value, with its revision; empty if it has none (never written, or deleted) */
    public static Optional<KeyValueEntry> get(KeyValue kv, String key) {
        try {
            KeyValueEntry e = kv.get(key);
            if (e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(e);
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** @return the revision written, or empty when the key already has a value */
    public static OptionalLong create(KeyValue kv, String key, byte[] value) {
        try {
            return OptionalLong.of(kv.create(key, value));
        } catch (JetStreamApiException e) {
            return conflict(key, e);
        } catch (IOException e) {
            throw failed(key, e);
        }
    }

    /** @return the revision written, or empty when the key's last revision is not {@code expected} */
    public static OptionalLong update(KeyValue kv, String key, byte[] value, long expected) {
        try {
            return OptionalLong.of(kv.update(key, value, expected));
        } catch (JetStreamApiException e) {
            return conflict(key, e);
        } catch (IOException e) {
            throw failed(key, e);
        }
    }

    private static OptionalLong conflict(String key, JetStreamApiException e) {
        if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
            return OptionalLong.empty();
        }
        throw failed(key, e);
    }

    private static RetriableException failed(String key, Exception e) {
        return new RetriableException("cannot write " + key + ": " + e.getMessage(), e);
    }
}
