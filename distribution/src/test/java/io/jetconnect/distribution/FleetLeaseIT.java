package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of three runtimes of the built distribution on a three-node nats-server cluster: a replay with its cursor
 * in KV copies an R3 stream into another (deduplicating) R3 stream, on the one worker that holds its lease, the
 * others on standby. The holder is killed with SIGKILL during the copy while events keep arriving; another worker
 * takes the lease over within {@code lease-ttl} + 5 s and resumes from the stored cursor. That worker is then frozen
 * with SIGSTOP (a partition, a long pause) until the third takes over, and thawed: it goes to standby, and the
 * stored cursor never moves backwards (a fenced former holder never writes it). An independent reader of the copy
 * finds every event once, in order; a fleet-wide pause and resume then reach the holder.
 */
@Tag("fleet")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FleetLeaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final int BACKLOG = 1_000;
    private static final int EVENTS = 7_000;

    @TempDir
    Path work;

    private static String clusterBlock(String workerId) {
        return "cluster { name = it, bucket = fleet-lease-it, replicas = 3, heartbeat = 1s, worker-timeout = 3s, "
                + "lease-ttl = " + LEASE_TTL.toMillis() + "ms" + (workerId == null ? "" : ", worker-id = " + workerId)
                + " }\n";
    }

    private static final String DEFINITIONS = """
            streams { copy { name = LEASE_COPY, subjects = ["lease-copy.>"], replicas = 3, duplicate-window = 10m } }
            pipelines {
              copy {
                source { type = replay, stream = LEASE_SRC, then = live-tail, cursor = kv }
                sinks = [ { type = jetstream, stream = copy, subject = "lease-copy.all" } ]
              }
            }
            """;

    private static byte[] event(int n) {
        return ("{\"specversion\":\"1.0\",\"id\":\"l-" + n + "\",\"source\":\"/lease\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"n\":" + n + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void publish(JetStream js, int n) throws Exception {
        js.publish("lease-src.all", new Headers().add("Nats-Msg-Id", "l-" + n), event(n));
    }

    private RuntimeProcess worker(String id, String url) throws Exception {
        Path dir = Files.createDirectories(work.resolve(id));
        int port = NatsServer.freePort();
        Path config = PipelineConf.write(dir.resolve("pipeline.conf"), dir.resolve("data"), port, url,
                clusterBlock(id));
        return RuntimeProcess.run(dir, config, port, Map.of());
    }

    private static String state(RuntimeProcess w) {
        try {
            return JSON.readTree(w.get("/v1/pipelines/copy").body()).path("state").asText();
        } catch (Exception e) {
            return "unreachable";
        }
    }

    private static List<RuntimeProcess> in(List<RuntimeProcess> workers, String state) {
        return workers.stream().filter(w -> w.isAlive() && state.equals(state(w))).toList();
    }

    @Test
    void aKilledLeaseHolderIsReplacedWithinTheTtlAndTheCopyLosesAndReordersNothing() throws Exception {
        try (NatsServer.Cluster cluster = NatsServer.cluster(3)) {
            String url = cluster.url();
            String one = cluster.servers().get(0).url();
            try (Connection nc = Nats.connect(one)) {
                nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LEASE_SRC")
                        .subjects("lease-src.>").storageType(StorageType.File).replicas(3).build());
                JetStream js = nc.jetStream();
                for (int n = 0; n < BACKLOG; n++) {
                    publish(js, n);
                }
            }
            RuntimeProcess.Result pushed = RuntimeProcess.exec(work, Map.of(), "config", "push", "--config",
                    PipelineConf.write(work.resolve("fleet.conf"), work.resolve("push-data"), 0, url,
                            clusterBlock(null) + DEFINITIONS).toString());
            assertEquals(0, pushed.exitCode(), pushed.output());

            List<RuntimeProcess> workers = new ArrayList<>();
            ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
            try (Connection nc = Nats.connect(one)) {
                for (String id : List.of("w1", "w2", "w3")) {
                    workers.add(worker(id, url));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> in(workers, "running").size() == 1
                        && in(workers, "standby").size() == 2);
                RuntimeProcess holder = in(workers, "running").get(0);
                JsonNode lease = JSON.readTree(workers.get(0).get("/v1/cluster").body()).path("leases").path("copy");
                assertEquals(1, lease.path("term").asInt(), lease.toString());

                // Events keep arriving through the kill: the replay is live-tailing when it changes hands.
                JetStream js = nc.jetStream();
                AtomicInteger next = new AtomicInteger(BACKLOG);
                ScheduledFuture<?> feed = publisher.scheduleAtFixedRate(() -> {
                    try {
                        for (int i = 0; i < 25 && next.get() < EVENTS; i++) {
                            publish(js, next.getAndIncrement());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> FaultPipeline.streamCount(one, "LEASE_COPY")
                        >= BACKLOG + 200);

                List<Long> cursors = new java.util.concurrent.CopyOnWriteArrayList<>();
                List<Long> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
                io.nats.client.KeyValue cursorBucket = nc.keyValue("jetconnect-cursors");
                io.nats.client.impl.NatsKeyValueWatchSubscription cursorWatch = cursorBucket.watch("copy.>",
                        new io.nats.client.api.KeyValueWatcher() {
                            @Override
                            public void watch(io.nats.client.api.KeyValueEntry entry) {
                                if (entry.getValue() == null) {
                                    return;
                                }
                                // <position>@<token> under a lease; a bare claim, @<token>, has no position yet.
                                String[] value = new String(entry.getValue(), StandardCharsets.UTF_8).split("@", -1);
                                if (!value[0].isEmpty()) {
                                    cursors.add(Long.parseLong(value[0]));
                                }
                                tokens.add(value.length > 1 ? Long.parseLong(value[1]) : 0);
                            }

                            @Override
                            public void endOfData() {
                            }
                        });

                holder.kill();
                long killedAt = System.nanoTime();
                long copiedAtKill = FaultPipeline.streamCount(one, "LEASE_COPY");
                List<RuntimeProcess> left = workers.stream().filter(RuntimeProcess::isAlive).toList();
                await().atMost(LEASE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> in(left, "running").size() == 1);
                double takeover = (System.nanoTime() - killedAt) / 1e9;
                RuntimeProcess taker = in(left, "running").get(0);
                assertEquals(1, in(left, "standby").size(), "the third worker stays on standby");
                RuntimeProcess third = in(left, "standby").get(0);

                // The new holder frozen while events still arrive: the third takes over, the thawed one stands by.
                taker.freeze();
                long frozenAt = System.nanoTime();
                await().atMost(LEASE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> state(third).equals("running"));
                double secondTakeover = (System.nanoTime() - frozenAt) / 1e9;
                long eventsWhileFrozen = next.get();
                taker.thaw();
                await().atMost(Duration.ofSeconds(15)).until(() -> state(taker).equals("standby"));
                assertTrue(eventsWhileFrozen < EVENTS, "events still arrived when the holder was thawed");

                await().atMost(Duration.ofSeconds(60)).until(() -> next.get() >= EVENTS);
                feed.cancel(false);
                await().atMost(Duration.ofSeconds(60)).until(() -> FaultPipeline.streamCount(one, "LEASE_COPY")
                        >= EVENTS);

                // An independent reader of the copy: every event once, in the order of the source.
                List<Message> copied = StreamReader.readAll(one, "LEASE_COPY");
                Set<String> ids = new HashSet<>();
                int reordered = 0;
                int last = -1;
                for (Message m : copied) {
                    ids.add(StreamReader.eventId(m));
                    int n = JSON.readTree(m.getData()).path("data").path("n").asInt();
                    reordered += n < last ? 1 : 0;
                    last = Math.max(last, n);
                }
                cursorWatch.unsubscribe();
                int backwards = 0;
                for (int i = 1; i < cursors.size(); i++) {
                    backwards += cursors.get(i) < cursors.get(i - 1) ? 1 : 0;
                }
                int lateWrites = 0;
                for (int i = 1; i < tokens.size(); i++) {
                    lateWrites += tokens.get(i) < tokens.get(i - 1) ? 1 : 0;
                }
                // Reported, not asserted: whether the thawed holder's source tries a store before it is stopped is
                // a race between its checkpoint timer and the lease's expiry watch, which this schedule cannot
                // settle. A late write that was tried and not refused shows as a token going back (lateWrites,
                // asserted below); KvCursorStoreIT freezes a holder inside its store to make one every time.
                boolean refused = taker.output().contains("does not hold the lease")
                        || taker.output().contains("another worker holds the lease");
                int lost = EVENTS - ids.size();
                int duplicates = copied.size() - ids.size();
                JsonNode view = JSON.readTree(taker.get("/v1/cluster").body());
                System.out.printf("fleet lease: holder killed with SIGKILL after %d of %d events copied; taken over "
                        + "in %.1f s (lease-ttl %.1f s); new holder frozen, taken over in %.1f s, thawed to standby "
                        + "(a fenced cursor write refused: %s); cursor stored %d times, %d backwards; copied %d, "
                        + "lost %d, reordered %d, duplicates %d; lease %s%n", copiedAtKill, EVENTS, takeover,
                        LEASE_TTL.toMillis() / 1000.0, secondTakeover, refused, cursors.size(), backwards,
                        copied.size(), lost, reordered, duplicates, view.path("leases").path("copy"));
                assertEquals(0, backwards, "the stored cursor moved backwards: " + cursors);
                assertEquals(0, lateWrites, "a former holder wrote the cursor after a later one claimed it: " + tokens);
                assertEquals(0, lost, "lost events");
                assertEquals(0, reordered, "reordered events");
                assertEquals(0, duplicates, "repeats fall within the copy's duplicate window");
                // Three holders so far; a loaded machine may add a handover, never take one away.
                assertTrue(view.path("leases").path("copy").path("term").asInt() >= 3, view.toString());

                // Fleet-wide pause and resume, asked of one worker, act on the others.
                assertEquals(202, taker.post("/v1/cluster/pipelines/copy/pause", "application/json", "")
                        .statusCode());
                await().atMost(Duration.ofSeconds(15)).until(() -> state(third).equals("paused"));
                assertEquals("paused", JSON.readTree(taker.get("/v1/cluster").body()).path("control")
                        .path("copy").path("state").asText());
                assertEquals(202, third.post("/v1/cluster/pipelines/copy/resume", "application/json", "")
                        .statusCode());
                await().atMost(Duration.ofSeconds(15)).until(() -> !state(third).equals("paused"));
                assertEquals(404, third.post("/v1/cluster/pipelines/nope/pause", "application/json", "")
                        .statusCode());

                for (RuntimeProcess w : left) {
                    assertEquals(0, w.terminate(), w.output());
                }
            } finally {
                publisher.shutdownNow();
                workers.forEach(RuntimeProcess::close);
            }
        }
    }
}
