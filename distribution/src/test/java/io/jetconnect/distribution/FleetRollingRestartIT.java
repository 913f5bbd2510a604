package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of a fleet under load: three runtimes of the built distribution on a three-node nats-server
 * cluster run one pushed pipeline {@code http -> jetstream} into an R3 stream with a duplicate window. Producers
 * ({@link SpreadLoad}) post their subjects' events one at a time over all three workers, sending an event that got
 * no answer or a 503 again to the next worker. Each worker in turn is stopped with SIGTERM, started again once it
 * has exited, and must be ready with the committed pipelines (and take events again) before the next one goes.
 * An independent jnats reader of the stream then finds every event answered 202 exactly once, in its subject's
 * order, as it was posted. A worker that has not applied the fleet's pipelines yet (it has just started, or
 * nothing is pushed) answers their events 503, "later", not 404: a producer tries another worker.
 */
@Tag("fleet")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FleetRollingRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "ROLL";
    private static final int CLIENTS = 6;
    private static final int MIN_EVENTS = 3_000;
    /** Events a restarted worker must acknowledge before the next worker stops: it is back in the rotation. */
    private static final int BACK_IN_ROTATION = 50;

    @TempDir
    Path work;

    /** @param replicas of the fleet's bucket and of the stream: 3 on the cluster, 1 on a single server */
    private static String clusterBlock(String workerId, int replicas) {
        return "cluster { name = roll, bucket = fleet-roll-it, replicas = " + replicas + ", heartbeat = 1s, "
                + "worker-timeout = 3s" + (workerId == null ? "" : ", worker-id = " + workerId) + " }\n";
    }

    private static String definitions(int replicas) {
        return clusterBlock(null, replicas) + """
                streams { events { name = %s, subjects = ["roll.>"], replicas = %d, duplicate-window = 2m } }
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [ { type = jetstream, stream = events, subject = "roll.{tenantId}.v1" } ]
                  }
                }
                """.formatted(STREAM, replicas);
    }

    private RuntimeProcess.Result push(String url, int replicas) throws Exception {
        return RuntimeProcess.exec(work, Map.of(), "config", "push", "--config", PipelineConf.write(
                work.resolve("fleet.conf"), work.resolve("push-data"), 0, url, definitions(replicas)).toString());
    }

    /** A worker's place: its folder (data-dir, worker id, log), its config and its listener's port. */
    private record Seat(String id, Path dir, Path config, int port) {

        RuntimeProcess start() {
            return RuntimeProcess.run(dir, config, port, Map.of());
        }
    }

    private Seat seat(String id, String url, int replicas) throws Exception {
        Path dir = Files.createDirectories(work.resolve(id));
        int port = NatsServer.freePort();
        return new Seat(id, dir, PipelineConf.write(dir.resolve("pipeline.conf"), dir.resolve("data"), port, url,
                clusterBlock(id, replicas)), port);
    }

    /** @return whether the worker runs the committed pipelines: its readiness says so, not only its status code */
    private static boolean appliedTheFleet(RuntimeProcess w) throws Exception {
        var ready = w.get("/readyz");
        JsonNode body = JSON.readTree(ready.body());
        return ready.statusCode() == 200 && body.path("fleet").path("synced").asBoolean()
                && body.path("pipelines").path("ingest").asText().equals("running");
    }

    @Test
    void aRollingRestartOfEveryWorkerUnderLoadLosesNoAcknowledgedEvent() throws Exception {
        try (NatsServer.Cluster cluster = NatsServer.cluster(3)) {
            String url = cluster.url();
            RuntimeProcess.Result pushed = push(url, 3);
            assertEquals(0, pushed.exitCode(), pushed.output());

            List<Seat> seats = new ArrayList<>();
            List<RuntimeProcess> workers = new ArrayList<>();
            SpreadLoad load = null;
            try {
                for (String id : List.of("w1", "w2", "w3")) {
                    Seat seat = seat(id, url, 3);
                    seats.add(seat);
                    workers.add(seat.start());
                }
                for (RuntimeProcess w : workers) {
                    assertTrue(appliedTheFleet(w), w.output());
                }
                load = new SpreadLoad(seats.stream().map(Seat::port).toList(), "ingest", CLIENTS, 200).start();
                SpreadLoad running = load;
                await().atMost(Duration.ofSeconds(60)).until(() -> running.failed()
                        || seats.stream().allMatch(s -> running.acceptedBy(s.port()) >= BACK_IN_ROTATION));
                load.rethrowFailure();

                List<String> restarts = new ArrayList<>();
                for (int i = 0; i < seats.size(); i++) {
                    Seat seat = seats.get(i);
                    long ackedBefore = load.acknowledged.size();
                    long t0 = System.nanoTime();
                    assertEquals(0, workers.get(i).terminate(), workers.get(i).output());
                    long stopped = System.nanoTime();
                    RuntimeProcess again = seat.start();
                    workers.set(i, again);
                    await().atMost(Duration.ofSeconds(30)).until(() -> appliedTheFleet(again));
                    long ready = System.nanoTime();
                    long ackedWhileAway = load.acknowledged.size() - ackedBefore;
                    long acceptedAtReady = load.acceptedBy(seat.port());
                    await().atMost(Duration.ofSeconds(30)).until(() -> running.failed()
                            || running.acceptedBy(seat.port()) >= acceptedAtReady + BACK_IN_ROTATION);
                    load.rethrowFailure();
                    restarts.add(String.format("%s:stop=%.1fs,ready=%.1fs,acked_meanwhile=%d", seat.id(),
                            (stopped - t0) / 1e9, (ready - stopped) / 1e9, ackedWhileAway));
                    assertTrue(ackedWhileAway > 0, "the other workers took events while " + seat.id() + " was away");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> running.failed()
                        || running.acknowledged.size() >= MIN_EVENTS);
                load.finish(Duration.ofSeconds(60));

                // The independent check: the stream as jnats reads it, against what the clients were answered. No
                // waiting for it to fill: 202 means JetStream has acknowledged the event, so it is there already.
                List<Message> stored = StreamReader.readAll(cluster.servers().get(0).url(), STREAM);
                Figures figures = Figures.of("fleet-rolling-restart", load.offered, load.acknowledged, stored,
                                "roll.")
                        .with("altered", altered(load, stored)).with("retries", load.retries())
                        .with("refused", load.refused.get()).with("dropped", load.dropped.get())
                        .with("answered_503", load.unavailable.get())
                        .with("restarts", String.join(";", restarts)).print();
                assertEquals(load.offered.size(), load.acknowledged.size(), "every offered event was acknowledged");
                assertTrue(load.acknowledged.size() >= MIN_EVENTS, figures.line());
                assertEquals(0, figures.lost(), figures.line());
                assertEquals(0, figures.duplicated(), figures.line());
                assertEquals(0, figures.reordered(), figures.line());
                assertEquals(0, figures.forged(), figures.line());
                assertEquals(0L, figures.extra().get("altered"), figures.line());
                assertTrue(load.retries() > 0, "the restarts were felt by the clients: " + figures.line());
                for (RuntimeProcess w : workers) {
                    assertEquals(0, w.terminate(), w.output());
                }
            } finally {
                if (load != null) {
                    load.close();
                }
                workers.forEach(RuntimeProcess::close);
            }
        }
    }

    @Test
    void aWorkerThatHasNotAppliedTheFleetYetAnswersLaterNotUnknown() throws Exception {
        try (NatsServer nats = NatsServer.spawn()) {
            Seat seat = seat("w1", nats.url(), 1);
            // No push yet: the worker cannot know which pipelines the fleet has.
            try (RuntimeProcess worker = RuntimeProcess.runListening(seat.dir(), seat.config(), seat.port(),
                    Map.of())) {
                var early = worker.post("/v1/pipelines/ingest/events", "application/cloudevents+json",
                        new SpreadLoad(List.of(seat.port()), "ingest", 1, 0).event("c0", 0));
                assertEquals(503, early.statusCode(), early.body());
                assertEquals("1", early.headers().firstValue("Retry-After").orElse(null), early.headers().toString());
                assertTrue(early.body().contains("not applied on this fleet worker yet"), early.body());

                RuntimeProcess.Result pushed = push(nats.url(), 1);
                assertEquals(0, pushed.exitCode(), pushed.output());
                await().atMost(Duration.ofSeconds(30)).until(() -> appliedTheFleet(worker));
                assertEquals(404, worker.post("/v1/pipelines/nope/events", "application/cloudevents+json", "{}")
                        .statusCode(), "once applied, an unknown pipeline is unknown");
                assertEquals(0, worker.terminate(), worker.output());
            }
        }
    }

    /** @return stored events whose attributes or data differ from what their client posted */
    private static long altered(SpreadLoad load, List<Message> stored) throws Exception {
        long altered = 0;
        Set<String> seen = new HashSet<>();
        for (Message m : stored) {
            JsonNode event = JSON.readTree(m.getData());
            String id = event.path("id").asText();
            int dash = id.lastIndexOf('-');
            if (!load.offered.contains(id) || !seen.add(id)) {
                continue;
            }
            JsonNode posted = JSON.readTree(load.event(id.substring(0, dash),
                    Integer.parseInt(id.substring(dash + 1))));
            for (Iterator<Map.Entry<String, JsonNode>> fields = posted.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().equals(event.get(field.getKey()))) {
                    if (altered < 5) {
                        System.out.println("altered: " + id + " at stream sequence " + m.metaData().streamSequence()
                                + ": " + field.getKey() + " = " + event.get(field.getKey()));
                    }
                    altered++;
                    break;
                }
            }
        }
        return altered;
    }
}
