package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetViewTest {

    private static final ClusterSettings CLUSTER = new ClusterSettings("prod", "fleet", Optional.empty(),
            Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(15), 1, Duration.ofSeconds(15),
            Duration.ofHours(1));
    private static final Instant NOW = Instant.parse("2026-12-07T10:05:00Z");

    @Test
    void aWorkerIsDeadOnceItsStatusIsOlderThanTheTimeoutByTheServersClock() {
        String json = WorkerStatusTest.status(List.of()).toJson();
        Map<String, FleetView.Seen> workers = Map.of(
                "w1", new FleetView.Seen(json, NOW.minusSeconds(15), 1, 0),
                "w2", new FleetView.Seen(json, NOW.minusMillis(15_001), 2, 0),
                "w3", new FleetView.Seen(json, NOW.plusSeconds(1), 3, 0));

        JsonNode view = FleetView.of(CLUSTER, "w1", workers, List.of("ingest"), NOW);

        assertEquals("prod", view.get("cluster").asText());
        assertEquals("w1", view.get("self").asText());
        assertEquals(2, view.get("alive").asInt());
        assertEquals(1, view.get("dead").asInt());
        JsonNode list = view.get("workers");
        assertEquals(List.of("w1", "w2", "w3"), List.of(list.get(0).get("id").asText(), list.get(1).get("id").asText(),
                list.get(2).get("id").asText()), "by id, each under its key's id, not the one its value claims");
        assertTrue(list.get(0).get("alive").asBoolean());
        assertFalse(list.get(1).get("alive").asBoolean());
        assertEquals(15.001, list.get(1).get("lastSeenSecondsAgo").asDouble());
        assertTrue(list.get(2).get("alive").asBoolean(), "a server clock ahead of ours is not a dead worker");
        assertEquals(0.0, list.get(2).get("lastSeenSecondsAgo").asDouble());
        assertEquals(12, list.get(0).get("pipelines").get(0).get("spill").get("depth").asLong());
        assertEquals("[\"ingest\"]", view.get("pipelines").toString());
    }

    @Test
    void anUnreadableStatusIsShownNotDropped() {
        JsonNode view = FleetView.of(CLUSTER, "w1", Map.of("odd", new FleetView.Seen("[1", NOW, 1, 0)), List.of(), NOW);

        assertEquals("status is not JSON", view.get("workers").get(0).get("error").asText());
        assertTrue(view.get("workers").get(0).get("alive").asBoolean());
    }

    @Test
    void aWorkerIsExpiredOnceOlderThanTheExpiryButNeverByItself() {
        String json = WorkerStatusTest.status(List.of()).toJson();
        Map<String, FleetView.Seen> workers = Map.of(
                "w1", new FleetView.Seen(json, NOW.minus(Duration.ofHours(2)), 1, 0),
                "w2", new FleetView.Seen(json, NOW.minus(Duration.ofHours(1)), 2, 0),
                "w3", new FleetView.Seen(json, NOW.minus(Duration.ofHours(1)).minusMillis(1), 3, 0));

        assertEquals(List.of("w3"), List.copyOf(FleetView.expired(workers, "w1", NOW, Duration.ofHours(1),
                Duration.ofHours(2).toNanos()).keySet()),
                "w1 is the viewer; w2 is exactly at the expiry");
        assertEquals(12, FleetView.spillDepth(json));
        assertEquals(0, FleetView.spillDepth("[1"));
    }

    /**
     * The server's time as estimated ran an hour ahead, so every status looks old; a worker that still writes gets a
     * new revision each beat, delivered just now by this machine's clock, and is never forgotten.
     */
    @Test
    void aLiveWorkerWhoseRevisionChangesIsNeverForgottenEvenIfItsStampsLookOld() {
        String json = WorkerStatusTest.status(List.of()).toJson();
        Duration expiry = Duration.ofMinutes(10);
        Instant aheadNow = NOW.plus(Duration.ofHours(1));
        long nanos = 0;
        for (int beat = 1; beat <= 200; beat++) {
            nanos += Duration.ofSeconds(5).toNanos();
            Map<String, FleetView.Seen> workers = Map.of(
                    "live", new FleetView.Seen(json, NOW.plusSeconds(5L * beat), beat, nanos),
                    "dead", new FleetView.Seen(json, NOW.minus(Duration.ofHours(1)), 1, 0));
            Map<String, FleetView.Seen> expired = FleetView.expired(workers, "self", aheadNow, expiry, nanos);
            assertFalse(expired.containsKey("live"), "beat " + beat);
            assertEquals(nanos > expiry.toNanos(), expired.containsKey("dead"),
                    "the dead one only once unchanged for worker-expiry by this machine's clock too; beat " + beat);
        }
    }
}
