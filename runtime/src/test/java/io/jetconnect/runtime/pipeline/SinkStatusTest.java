package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jetconnect.spi.JetconnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a sink reports about itself reaches the pipeline: waiting, available (drain at once), failed. */
class SinkStatusTest {

    @Test
    void availableClearsTheWaitAndRunsTheDrainActionsOfItsPipelineOnly() {
        AdminActions actions = new AdminActions();
        List<String> ran = new ArrayList<>();
        actions.register("ingest", "dlq", "drain", () -> ran.add("ingest/dlq/drain"));
        actions.register("ingest", "dlq", "other", () -> ran.add("ingest/dlq/other"));
        actions.register("ingest-2", "dlq", "drain", () -> ran.add("ingest-2/dlq/drain"));
        actions.register("ingest", "thrower", "drain", () -> {
            throw new IllegalStateException("one action's failure does not stop the others");
        });
        SinkStatus status = new SinkStatus("ingest", actions, cause -> {
        });

        status.waiting("cannot reach NATS");
        assertEquals(Optional.of("cannot reach NATS"), status.waitingFor());
        status.available();
        assertEquals(Optional.empty(), status.waitingFor());
        assertEquals(List.of("ingest/dlq/drain"), ran);
    }

    @Test
    void aFailureThatNeedsAPersonReachesThePipeline() {
        List<String> failures = new ArrayList<>();
        SinkStatus status = new SinkStatus("ingest", new AdminActions(), cause -> failures.add(cause.getMessage()));
        status.waiting("cannot reach NATS");
        status.failed(new JetconnectException("stream S does not capture the subject"));
        assertEquals(List.of("stream S does not capture the subject"), failures);
        assertEquals(Optional.empty(), status.waitingFor(), "failed, not waiting");
    }
}
