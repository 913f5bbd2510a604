package io.jetconnect.distribution;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.SinkContext;
import io.jetconnect.spi.TypeName;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.pf4j.Extension;

/**
 * {@link FatalErrorIT}: a sink that reserves 1 MiB of direct memory per pipeline when it opens, as a client library's
 * socket buffers do, and keeps it, so that opening enough of them on the runtime's main thread runs out of direct
 * memory for real. Only ever loaded from a plugin jar the test builds.
 */
@Extension
@TypeName("greedy")
public final class GreedySink implements EventSink {

    private static final List<ByteBuffer> HELD = new ArrayList<>();

    @Override
    public void open(SinkContext context) {
        synchronized (HELD) {
            HELD.add(ByteBuffer.allocateDirect(1 << 20));
        }
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        return CompletableFuture.completedFuture(null);
    }
}
