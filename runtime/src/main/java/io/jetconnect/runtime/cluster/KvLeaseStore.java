package io.jetconnect.runtime.cluster;

import io.jetconnect.runtime.nats.KvCompareAndSet;
import io.jetconnect.spi.RetriableException;
import io.nats.client.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** {@link LeaseStore} over the fleet bucket; the bucket may not be reached yet (then every call fails retriably). */
final class KvLeaseStore implements LeaseStore {

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
        return KvCompareAndSet.get(kv(), key).map(e -> new Entry(new String(e.getValue(), StandardCharsets.UTF_8),
                e.getRevision(), e.getCreated().toInstant()));
    }

    @Override
    public OptionalLong create(String key, String value) {
        return KvCompareAndSet.create(kv(), key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OptionalLong update(String key, String value, long expected) {
        return KvCompareAndSet.update(kv(), key, value.getBytes(StandardCharsets.UTF_8), expected);
    }
}
