package io.jetconnect.spi;

import java.util.concurrent.CompletionStage;

/**
 * Handles the requests that the runtime's HTTP listener routes to a pipeline
 * ({@code POST /v1/pipelines/{pipeline}/events}); see {@link SourceContext#registerIngress}.
 *
 * <p>Called concurrently from the listener's threads. The handler may read the body on the calling thread and
 * must answer with a stage, so that no listener thread waits on the chain. A handler that throws, or whose stage
 * fails, makes the runtime answer {@code 500} without details.
 */
@FunctionalInterface
public interface IngressHandler {

    /**
     * @param request the request; never null, its body readable once
     * @return the response; never null
     */
    CompletionStage<IngressResponse> handle(IngressRequest request);
}
