package io.jetconnect.runtime.pipeline;

import io.jetconnect.spi.CursorStore;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.IngressHandler;
import io.jetconnect.spi.SourceContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The context of a pipeline's source: the element context plus the chain, the cursor store, the stop signal and
 * the ingress route.
 */
public final class PipelineSourceContext extends ElementContext implements SourceContext {

    private final EventSink chain;
    private final CursorStore cursors;
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final BiConsumer<String, IngressHandler> ingress;
    private final Consumer<Throwable> failure;

    /**
     * @param element the element context of the source
     * @param chain the head of the chain
     * @param cursors the pipeline's cursor store
     * @param ingress registers a handler for the pipeline's name
     * @param failure called when the source reports a failure
     */
    public PipelineSourceContext(ElementContext element, EventSink chain, CursorStore cursors,
                                 BiConsumer<String, IngressHandler> ingress, Consumer<Throwable> failure) {
        super(element);
        this.chain = chain;
        this.cursors = cursors;
        this.ingress = ingress;
        this.failure = failure;
    }

    @Override
    public EventSink chain() {
        return chain;
    }

    @Override
    public CursorStore cursors() {
        return cursors;
    }

    @Override
    public boolean isStopRequested() {
        return stop.isDone();
    }

    @Override
    public CompletionStage<Void> stopRequested() {
        return stop.copy();
    }

    /** Fires the stop signal. */
    public void requestStop() {
        stop.complete(null);
    }

    @Override
    public void registerIngress(IngressHandler handler) {
        ingress.accept(pipelineName(), handler);
    }

    @Override
    public void fail(Throwable cause) {
        failure.accept(cause);
    }
}
