package io.jetconnect.isolation;

import com.fasterxml.jackson.core.JsonFactory;
import io.cloudevents.CloudEvent;
import io.jetconnect.isolation.shared.Version;
import io.jetconnect.nats.NatsEventReader;
import io.jetconnect.spi.EventSink;
import io.nats.client.Nats;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A sink for class-isolation tests that reports what its plugin's class loader resolves: the version of the shared
 * library, and the classes it links to for the library, Jackson, jnats, the NATS binding and the SPI. It is a {@link Supplier} (a
 * {@code java.*} type, the same for host and plugin) so that a test can ask without reflection. Copy this class into
 * every plugin that carries a subclass, so that its references resolve through the plugin's loader.
 */
public abstract class VersionReporter implements EventSink, Supplier<Map<String, Object>> {

    @Override
    public Map<String, Object> get() {
        return Map.of(
                "version", Version.get(),
                "library", Version.class,
                "jackson", JsonFactory.class,
                "jnats", Nats.class,
                "binding", NatsEventReader.class,
                "spi", EventSink.class);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
