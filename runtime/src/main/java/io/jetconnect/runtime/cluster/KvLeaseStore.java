package io.jetconnect.runtime.cluster;

import io.jetconnect.spi.RetriableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** {@link LeaseStore} over the fleet bucket; the bucket may not be reached yet (then every call fails retriably). */
final class KvLeaseStore implements LeaseStore {

    /** The server's answer to a write whose expected last revision is not the key's: a lost race, not an error. */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private final Supplier<KeyValue> bucket;

    KvLeaseStore(Supplier<KeyValue> bucket) {
        this.bucket = bucket;
    }

    private KeyValue kv() {
        KeyValue kv = bucket.get();
        if (kv == null) {
            throw new RetriableException("fleet bucket not reached yet");
        }
        return kv;
    }

    @Override
    public Optional<Entry> get(String key) {
        try {
            KeyValueEntry e = kv().get(key);
            if (e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(new Entry(new String(e.getValue(), StandardCharsets.UTF_8), e.getRevision(),
                    e.getCreated().toInstant()));
        } catch (IOException | JetStreamApiException e) {
            throw new RetriableException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong create(String key, String value) {
        try {
            return OptionalLong.of(kv().create(key, value.getBytes(StandardCharsets.UTF_8)));
        } catch (JetStreamApiException e) {
            return conflict(key, e);
        } catch (IOException e) {
            throw new RetriableException("cannot write " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong update(String key, String value, long expected) {
        try {
            return OptionalLong.of(kv().update(key, value.getBytes(StandardCharsets.UTF_8), expected));
        } catch (JetStreamApiException e) {
            return conflict(key, e);
        } catch (IOException e) {
            throw new RetriableException("cannot write " + key + ": " + e.getMessage(), e);
        }
    }

    private static OptionalLong conflict(String key, JetStreamApiException e) {
        if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
            return OptionalLong.empty();
        }
        throw new RetriableException("cannot write " + key + ": " + e.getMessage(), e);
    }
}
