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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServerClockTest {

    /** The server's clock, years behind this machine's: any use of the local wall clock shows every worker dead. */
    private static final Instant SERVER = Instant.parse("2019-03-01T12:00:00Z");
    private static final ClusterSettings CLUSTER = new ClusterSettings("prod", "fleet", Optional.empty(),
            Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(15), 1, Duration.ofSeconds(15),
            Duration.ofMinutes(10));

    @Test
    void itTellsTheNewestServerTimeSeenPlusTheMonotonicTimeSince() {
        AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime has no origin: negative is fine
        ServerClock clock = new ServerClock(nanos::get);
        assertEquals(Optional.empty(), clock.now());

        clock.observe(SERVER);
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertEquals(Optional.of(SERVER.plusSeconds(3)), clock.now());

        clock.observe(SERVER.plusSeconds(1)); // an old entry delivered late: the clock does not go back
        assertEquals(Optional.of(SERVER.plusSeconds(3)), clock.now());
        clock.observe(SERVER.plusSeconds(4)); // the server is a second ahead of what was estimated
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(Optional.of(SERVER.plusSeconds(5)), clock.now());
    }

    /**
     * The viewer's, the workers' and the server's clocks all differ: liveness compares server timestamps only, so a
     * worker that beat 10 s ago by the server is alive and one silent for 20 s is dead, whatever the machines say.
     */
    @Test
    void workersAreJudgedByTheServersClockWhateverTheViewersClockSays() {
        AtomicLong nanos = new AtomicLong();
        ServerClock clock = new ServerClock(nanos::get);
        clock.observe(SERVER); // the viewer's own heartbeat, as the watch delivered it
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        String json = WorkerStatusTest.status(List.of()).toJson(); // heartbeatAt by a worker's own (2026) clock
        Map<String, FleetView.Seen> workers = Map.of(
                "self", new FleetView.Seen(json, SERVER, 9, 0),
                "live", new FleetView.Seen(json, SERVER.minusSeconds(8), 7, 0),
                "dead", new FleetView.Seen(json, SERVER.minusSeconds(18), 3, 0),
                "gone", new FleetView.Seen(json, SERVER.minusSeconds(603), 1, 0));

        JsonNode view = FleetView.of(CLUSTER, "self", workers, List.of(), clock.now().orElseThrow());

        JsonNode list = view.get("workers");
        assertEquals("dead", list.get(0).get("id").asText());
        assertFalse(list.get(0).get("alive").asBoolean());
        assertEquals(20.0, list.get(0).get("lastSeenSecondsAgo").asDouble());
        assertFalse(list.get(1).get("alive").asBoolean(), "gone");
        assertTrue(list.get(2).get("alive").asBoolean(), "live");
        assertEquals(10.0, list.get(2).get("lastSeenSecondsAgo").asDouble());
        assertTrue(list.get(3).get("alive").asBoolean(), "self");
        assertEquals(2, view.get("alive").asInt());

        assertEquals(Map.of("gone", workers.get("gone")),
                FleetView.expired(workers, "self", clock.now().orElseThrow(), CLUSTER.workerExpiry(),
                        Duration.ofHours(1).toNanos()),
                "only a status older than worker-expiry by the server's clock is forgotten");
    }

    /**
     * An entry stamped by a server whose clock is an hour ahead (the stream leader moved) ran the estimate ahead; the
     * next own status brings it back, and later entries of others no longer move it.
     */
    @Test
    void anEstimateThatRanAheadIsSetBackByTheWorkersOwnStatus() {
        AtomicLong nanos = new AtomicLong();
        ServerClock clock = new ServerClock(nanos::get);
        clock.observe(SERVER.plus(Duration.ofHours(1)));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(Optional.of(SERVER.plus(Duration.ofHours(1)).plusSeconds(2)), clock.now());

        clock.anchor(SERVER);
        assertEquals(Optional.of(SERVER), clock.now(), "the own status sets it back");
        clock.observe(SERVER.plus(Duration.ofHours(2)));
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertEquals(Optional.of(SERVER.plusSeconds(3)), clock.now(), "others' stamps no longer move it");
        clock.anchor(SERVER.plusSeconds(4));
        assertEquals(Optional.of(SERVER.plusSeconds(4)), clock.now());
    }
}
