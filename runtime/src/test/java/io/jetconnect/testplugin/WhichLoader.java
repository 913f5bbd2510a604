package io.jetconnect.testplugin;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.TypeName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/** A sink for class-loading tests: reports which loader gave it its own class and the SPI's. */
@Extension
@TypeName("which-loader")
public final class WhichLoader implements EventSink {

    public ClassLoader ownLoader() {
        return getClass().getClassLoader();
    }

    public ClassLoader spiLoader() {
        return EventSink.class.getClassLoader();
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
