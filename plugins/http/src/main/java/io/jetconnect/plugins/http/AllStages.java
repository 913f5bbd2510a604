package io.jetconnect.plugins.http;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A stage that completes, normally, once every one of a request's emit stages has completed, normally or not.
 *
 * <p>Why not {@link CompletableFuture#allOf}: it builds a tree of two relay objects per stage up front, and each
 * completion walks it, on the thread that completes the stage (the sink's acknowledgement thread). Stages mostly
 * complete in the order they were emitted, so this waits on one stage at a time instead: when the stage it waits on
 * completes, it skips every later stage already complete and waits on the next one that is not. A batch of 100
 * whose acknowledgements arrive in bursts costs a few waits instead of 100 relays.
 *
 * <p>At most one wait is registered at any time, so {@code next} is only ever used by one thread at a time; the
 * completion of the stage waited on orders one use before the next.
 */
final class AllStages implements BiConsumer<Object, Throwable> {

    private final CompletableFuture<?>[] stages;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int next;

    private AllStages(CompletableFuture<?>[] stages) {
        this.stages = stages;
    }

    /** @return a stage completed (normally, with null) once all of {@code stages} are complete */
    static CompletableFuture<Void> of(CompletableFuture<?>[] stages) {
        AllStages all = new AllStages(stages);
        all.advance();
        return all.done;
    }

    private void advance() {
        while (next < stages.length) {
            CompletableFuture<?> stage = stages[next];
            if (!stage.isDone()) {
                // Runs accept at once, on this thread, if the stage completed since isDone.
                stage.whenComplete(this);
                return;
            }
            next++;
        }
        done.complete(null);
    }

    @Override
    public void accept(Object ignored, Throwable failure) {
        next++;
        advance();
    }
}
