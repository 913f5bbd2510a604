package io.jetconnect.plugins.jetstream;

import io.nats.client.impl.Headers;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The headers of one event's message: filled once, then sealed, and from then on read-only.
 *
 * <p>Why: jnats copies every mutable {@link Headers} it publishes (two {@code HashMap}s per message) so that the
 * caller cannot change them under it; a {@code Headers} that says it is read-only is published as it is. The sink
 * builds a new one per event and never changes it after sealing (a re-publish sends the same object again), so
 * the copy was pure waste on every publish. {@code SealedHeadersTest} checks that jnats still takes it uncopied.
 *
 * <p>Not thread-safe while being filled; sealed, it is handed to jnats' threads through the publish call.
 */
final class SealedHeaders extends Headers {

    private boolean sealed;

    /** @return this, read-only from now on */
    SealedHeaders seal() {
        sealed = true;
        return this;
    }

    @Override
    public boolean isReadOnly() {
        return sealed;
    }

    private void checkOpen() {
        if (sealed) {
            throw new UnsupportedOperationException("the headers of a message being published are read-only");
        }
    }

    @Override
    public Headers add(String key, String... values) {
        checkOpen();
        return super.add(key, values);
    }

    @Override
    public Headers add(String key, Collection<String> values) {
        checkOpen();
        return super.add(key, values);
    }

    @Override
    public Headers put(String key, String... values) {
        checkOpen();
        return super.put(key, values);
    }

    @Override
    public Headers put(String key, Collection<String> values) {
        checkOpen();
        return super.put(key, values);
    }

    @Override
    public Headers put(Map<String, List<String>> map) {
        checkOpen();
        return super.put(map);
    }

    @Override
    public void remove(String... keys) {
        checkOpen();
        super.remove(keys);
    }

    @Override
    public void remove(Collection<String> keys) {
        checkOpen();
        super.remove(keys);
    }

    @Override
    public void clear() {
        checkOpen();
        super.clear();
    }
}
