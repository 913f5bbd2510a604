package io.jetconnect.plugins.http;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * A chain for tests: records every event with the emitting thread and answers each emit with a stage chosen by
 * the event's position: completed, failed with a given throwable, or left for the test to complete.
 */
final class RecordingSink implements EventSink {

    private final List<CloudEvent> events = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
    private final IntFunction<Throwable> failures;
    private final boolean manual;

    private RecordingSink(IntFunction<Throwable> failures, boolean manual) {
        this.failures = failures;
        this.manual = manual;
    }

    /** @return a sink that completes every stage at once */
    static RecordingSink completing() {
        return new RecordingSink(i -> null, false);
    }

    /** @return a sink that fails the stage of the event at each position for which {@code failures} is not null */
    static RecordingSink failing(IntFunction<Throwable> failures) {
        return new RecordingSink(failures, false);
    }

    /** @return a sink whose stages the test completes through {@link #stages()} */
    static RecordingSink manual() {
        return new RecordingSink(i -> null, true);
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        int position = events.size();
        events.add(event);
        threads.add(Thread.currentThread());
        CompletableFuture<Void> stage = new CompletableFuture<>();
        stages.add(stage);
        if (!manual) {
            Throwable failure = failures.apply(position);
            if (failure == null) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(failure);
            }
        }
        return stage;
    }

    List<CloudEvent> events() {
        return events;
    }

    List<Thread> threads() {
        return threads;
    }

    List<CompletableFuture<Void>> stages() {
        return stages;
    }
}
