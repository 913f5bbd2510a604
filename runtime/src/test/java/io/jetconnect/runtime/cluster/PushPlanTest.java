package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushPlanTest {

    @Test
    void writesNewAndChangedDeletesRemovedAndLeavesTheRest() {
        Map<String, String> current = Map.of("pipelines.a", "A", "pipelines.b", "B", "pipelines.gone", "G",
                "streams.old", "S", "workers.w1", "{}");
        Map<String, String> wanted = Map.of("pipelines.a", "A", "pipelines.b", "B2", "pipelines.new", "N",
                "streams.events", "E");

        PushPlan plan = PushPlan.of(wanted, current);

        assertEquals(List.of("streams.events", "pipelines.b", "pipelines.new"), List.copyOf(plan.puts().keySet()),
                "streams first: a pipeline is never written before the stream it names");
        assertEquals(List.of("pipelines.gone", "streams.old"), plan.deletes(),
                "pipelines first: a stream is never deleted while a pipeline names it; workers' keys untouched");
        assertEquals(List.of("pipelines.a"), plan.unchanged());
    }

    @Test
    void theSameFileTwiceWritesNothing() {
        Map<String, String> bucket = Map.of("pipelines.a", "A", "streams.s", "S", "workers.w", "{}");

        assertTrue(PushPlan.of(Map.of("pipelines.a", "A", "streams.s", "S"), bucket).isEmpty());
    }

    @Test
    void anEmptyFileEmptiesTheDefinitions() {
        PushPlan plan = PushPlan.of(Map.of(), Map.of("pipelines.a", "A", "workers.w", "{}"));

        assertEquals(List.of("pipelines.a"), plan.deletes());
        assertTrue(plan.puts().isEmpty());
    }
}
