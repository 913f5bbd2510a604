package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerStatusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static WorkerStatus status(List<String> problems) {
        return new WorkerStatus("w1", "prod", "http://host-a:8083", Instant.parse("2026-12-07T10:00:00Z"),
                Instant.parse("2026-12-07T10:05:00Z"), List.of(
                        new WorkerStatus.PipelineStatus("ingest", "running", Optional.empty(), 12, 4096),
                        new WorkerStatus.PipelineStatus("audit", "failed", Optional.of("no stream AUDIT"), 0, 0)),
                problems);
    }

    @Test
    void theJsonNamesTheWorkerItsPipelinesTheirStatesAndSpill() throws Exception {
        JsonNode json = JSON.readTree(status(List.of()).toJson());

        assertEquals(JSON.readTree("""
                {"id":"w1","cluster":"prod","adminUrl":"http://host-a:8083","startedAt":"2026-12-07T10:00:00Z",
                 "heartbeatAt":"2026-12-07T10:05:00Z","pipelines":[
                   {"name":"ingest","state":"running","spill":{"depth":12,"bytes":4096}},
                   {"name":"audit","state":"failed","lastError":"no stream AUDIT","spill":{"depth":0,"bytes":0}}]}
                """), json);
        assertFalse(json.has("configProblems"), "only when the bucket's pipelines were refused");
    }

    @Test
    void refusedDefinitionsAreShown() throws Exception {
        JsonNode json = JSON.readTree(status(List.of("kv fleet/pipelines.a: 2: Unknown key")).toJson());

        assertEquals("kv fleet/pipelines.a: 2: Unknown key", json.get("configProblems").get(0).asText());
    }

    @Test
    void longErrorsAndProblemsAreCutSoAThousandPipelinesStayFarBelowMaxPayload() throws Exception {
        String longError = "x".repeat(10_000);
        WorkerStatus status = new WorkerStatus("w1", "prod", "http://h:1", Instant.EPOCH, Instant.EPOCH,
                java.util.Collections.nCopies(1000, new WorkerStatus.PipelineStatus("p", "failed",
                        Optional.of(longError), 0, 0)), java.util.Collections.nCopies(100, longError));
        JsonNode json = JSON.readTree(status.toJson());

        assertEquals(WorkerStatus.MAX_TEXT, json.get("pipelines").get(0).get("lastError").asText().length());
        assertEquals(20, json.get("configProblems").size());
        org.junit.jupiter.api.Assertions.assertTrue(status.toJson().length() < 512 * 1024,
                "1,000 failed pipelines: " + status.toJson().length() + " bytes");
    }
}
