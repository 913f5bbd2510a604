package io.jetconnect.runtime.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jetconnect.runtime.nats.NatsConnector;
import io.jetconnect.runtime.nats.RuntimeNats;
import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A worker against a real nats-server: follows the bucket, applies its definitions, beats, leaves. */
@ExtendWith(NatsServerExtension.class)
class FleetIT {

    private static final io.jetconnect.runtime.pipeline.ManagedPipelines NO_PIPELINES =
            new io.jetconnect.runtime.pipeline.ManagedPipelines() {
                @Override
                public List<io.jetconnect.runtime.pipeline.ManagedPipeline> all() {
                    return List.of();
                }

                @Override
                public java.util.Optional<io.jetconnect.runtime.pipeline.ManagedPipeline> get(String name) {
                    return java.util.Optional.empty();
                }

                @Override
                public io.jetconnect.runtime.pipeline.ManagedPipeline restart(String name) {
                    throw new IllegalArgumentException("no pipeline " + name);
                }
            };

    private static ClusterSettings cluster(String bucket) {
        return cluster(bucket, Duration.ofHours(1));
    }

    private static ClusterSettings cluster(String bucket, Duration workerExpiry) {
        return new ClusterSettings("it", bucket, Optional.empty(), Optional.empty(), Duration.ofMillis(200),
                Duration.ofSeconds(2), 1, Duration.ofSeconds(1), workerExpiry);
    }

    /**
     * A worker that died is shown dead after worker-timeout and forgotten after worker-expiry, both by the server's
     * clock; a removal is a compare-and-set on the revision seen, so a status written again since is kept.
     */
    @Test
    void aDeadWorkerIsShownDeadThenForgottenAndOneThatBeatAgainIsKept(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("fleet-it").build();
        ClusterSettings c = cluster("expiry-it-" + System.nanoTime(), Duration.ofSeconds(5));
        Connection other = NatsConnector.connect(settings);
        KeyValue kv = withPipelineA(other, c);
        String ghost = WorkerStatusTest.status(List.of()).toJson();
        long seen = kv.put("workers.ghost", ghost.getBytes(StandardCharsets.UTF_8));
        long again = kv.put("workers.ghost", ghost.getBytes(StandardCharsets.UTF_8));
        assertTrue(!FleetBucket.deleteAt(kv, "workers.ghost", seen), "written again since the revision seen");
        assertEquals(again, kv.get("workers.ghost").getRevision());
        try (RuntimeNats nats = new RuntimeNats(settings);
             Fleet fleet = worker(c, nats)) {
            fleet.start(List::of, List::of, "http://127.0.0.1:1", NO_PIPELINES);
            await().atMost(Duration.ofSeconds(10)).until(() -> ghostAlive(fleet).equals(Optional.of(false)));
            assertEquals(1, fleet.view().get("alive").asInt());
            await().atMost(Duration.ofSeconds(15)).until(() -> kv.get("workers.ghost") == null);
            await().atMost(Duration.ofSeconds(10)).until(() -> ghostAlive(fleet).isEmpty());
            assertEquals(0, fleet.view().get("dead").asInt());
            assertTrue(kv.get("workers.w1") != null, "a live worker never forgets itself");
        } finally {
            NatsConnector.close(other);
        }
    }

    private static Optional<Boolean> ghostAlive(Fleet fleet) {
        for (JsonNode w : fleet.view().get("workers")) {
            if (w.get("id").asText().equals("ghost")) {
                return Optional.of(w.get("alive").asBoolean());
            }
        }
        return Optional.empty();
    }

    @Test
    void appliesWhatIsPushedAndShowsItselfAliveUntilItLeaves(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("fleet-it").build();
        ClusterSettings c = cluster("fleet-it-" + System.nanoTime());
        Connection pusher = NatsConnector.connect(settings);
        KeyValue kv = withPipelineA(pusher, c);
        List<Map<String, String>> applied = new CopyOnWriteArrayList<>();
        try (RuntimeNats nats = new RuntimeNats(settings);
             Fleet fleet = worker(c, nats)) {
            fleet.start(() -> {
                applied.add(Map.copyOf(namesOf(fleet)));
                return List.of();
            }, List::of, "http://127.0.0.1:1", NO_PIPELINES);

            await().atMost(Duration.ofSeconds(10)).until(fleet::synced);
            assertEquals(Map.of("a", "http"), applied.get(0), "the bucket as it was when the worker reached it");

            push(kv, Map.of("pipelines.b", REPLAY));

            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get(applied.size() - 1)
                    .equals(Map.of("b", "replay")));
            assertEquals(List.of(Map.of("a", "http"), Map.of("b", "replay")), applied,
                    "a push (b written, a deleted) is applied whole, at its commit: never {a, b} nor {}");
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.view().get("alive").asInt() == 1);
            JsonNode worker = fleet.view().get("workers").get(0);
            assertEquals("w1", worker.get("id").asText());
            assertEquals("http://127.0.0.1:1", worker.get("adminUrl").asText());
            assertEquals("[\"b\"]", fleet.view().get("pipelines").toString());
            assertTrue(kv.get("workers.w1") != null);
        }
        assertNull(kv.get("workers.w1"), "a worker that stops gracefully removes its status");
        NatsConnector.close(pusher);
    }

    @Test
    void aWorkerThatFindsABucketItsLastCommitDoesNotListWaitsForTheNextCommit(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("fleet-it").build();
        ClusterSettings c = cluster("fleet-it-" + System.nanoTime());
        Connection pusher = NatsConnector.connect(settings);
        KeyValue kv = FleetBucket.open(pusher, c);
        push(kv, Map.of("pipelines.a", HTTP));
        // A push that died after its first write: b written, no commit.
        kv.put("pipelines.b", REPLAY.getBytes(StandardCharsets.UTF_8));
        List<Map<String, String>> applied = new CopyOnWriteArrayList<>();
        try (RuntimeNats nats = new RuntimeNats(settings);
             Fleet fleet = worker(c, nats)) {
            fleet.start(() -> {
                applied.add(Map.copyOf(namesOf(fleet)));
                return List.of();
            }, List::of, "http://127.0.0.1:1", NO_PIPELINES);

            // The first heartbeats may come before the watch has caught up with the bucket.
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.view().get("alive").asInt() == 1
                    && fleet.view().get("workers").get(0).path("configProblems").toString()
                    .contains("pipelines.b not in the commit"));
            assertEquals(List.of(), applied, "no set that no push committed");
            assertTrue(!fleet.synced(), "not ready before it runs a committed set");

            push(kv, Map.of("pipelines.a", HTTP, "pipelines.b", REPLAY));
            await().atMost(Duration.ofSeconds(10)).until(fleet::synced);
            assertEquals(List.of(Map.of("a", "http", "b", "replay")), applied);
        }
        NatsConnector.close(pusher);
    }

    @Test
    void aPushWhoseReadAnotherPushCommittedOverFailsAndIsNotApplied(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("fleet-it").build();
        ClusterSettings c = cluster("fleet-it-" + System.nanoTime());
        Connection pusher = NatsConnector.connect(settings);
        KeyValue kv = FleetBucket.open(pusher, c);
        push(kv, Map.of("pipelines.y", HTTP));
        long readByA = FleetBucket.commitRevision(kv);
        Map<String, String> readByAOfDefinitions = FleetBucket.definitions(kv);
        push(kv, Map.of("pipelines.y", HTTP, "pipelines.z", HTTP));

        Map<String, String> wantedByA = Map.of("pipelines.x", HTTP, "pipelines.y", HTTP);
        org.junit.jupiter.api.Assertions.assertThrows(FleetBucket.ConcurrentPushException.class,
                () -> FleetBucket.apply(kv, PushPlan.of(wantedByA, readByAOfDefinitions), wantedByA, readByA));
        // The bucket now holds x, y and z, which neither push contained; its commit is the second push's.
        assertTrue(FleetDefinitions.mismatch(new String(kv.get(FleetDefinitions.COMMIT).getValue(),
                StandardCharsets.UTF_8), FleetBucket.definitions(kv)) != null, "a mix no worker applies");
        NatsConnector.close(pusher);
    }

    private static final String HTTP = "{\"source\": {\"type\": \"http\"}}";
    private static final String REPLAY = "{\"source\": {\"type\": \"replay\"}}";

    private static void push(KeyValue kv, Map<String, String> wanted) {
        FleetBucket.apply(kv, PushPlan.of(wanted, FleetBucket.definitions(kv)), wanted,
                FleetBucket.commitRevision(kv));
    }

    /** @return the fleet's bucket, pushed one pipeline {@code a} */
    private static KeyValue withPipelineA(Connection pusher, ClusterSettings c) {
        KeyValue kv = FleetBucket.open(pusher, c);
        push(kv, Map.of("pipelines.a", HTTP));
        return kv;
    }

    private static Fleet worker(ClusterSettings c, RuntimeNats nats) {
        return new Fleet(c, "w1", nats, Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(100)));
    }

    private static Map<String, String> namesOf(Fleet fleet) {
        com.typesafe.config.Config c = fleet.definitions().orElseThrow().getConfig("jetconnect.pipelines");
        Map<String, String> out = new java.util.TreeMap<>();
        c.root().keySet().forEach(k -> out.put(k, c.getString(k + ".source.type")));
        return out;
    }

    /** The lease's compare-and-set as the server does it: one holder, the others refused, a release taken at once. */
    @Test
    void leasesOnARealBucketHaveOneHolderAndPassOnWhenGivenUp(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("lease-it").build();
        Connection nc = NatsConnector.connect(settings);
        try {
            KeyValue kv = FleetBucket.open(nc, cluster("lease-it-" + System.nanoTime()));
            Duration ttl = Duration.ofSeconds(30);
            List<String> changes = new CopyOnWriteArrayList<>();
            try (Leases a = new Leases("a", ttl, new KvLeaseStore(() -> kv));
                 Leases b = new Leases("b", ttl, new KvLeaseStore(() -> kv))) {
                io.jetconnect.runtime.pipeline.SourceLeases.SourceLease la =
                        a.join("copy", () -> changes.add("a")).orElseThrow();
                await().atMost(Duration.ofSeconds(10)).until(la::holds);
                io.jetconnect.runtime.pipeline.SourceLeases.SourceLease lb =
                        b.join("copy", () -> changes.add("b")).orElseThrow();
                assertTrue(la.verify());
                assertEquals("a", Lease.parse(new String(kv.get("leases.copy").getValue(), StandardCharsets.UTF_8))
                        .worker());
                la.close();
                // b tries every ttl/3 (10 s): the release is taken at b's next try, not after the 30 s ttl.
                await().atMost(Duration.ofSeconds(15)).until(lb::holds);
                assertTrue(lb.verify());
                assertEquals(new Lease.Holder("b", 2), Lease.parse(new String(kv.get("leases.copy").getValue(),
                        StandardCharsets.UTF_8)));
                assertEquals(List.of("a", "b"), changes);
                assertTrue(!la.verify(), "a former holder's writes are fenced");
            }
        } finally {
            NatsConnector.close(nc);
        }
    }

    /** A fleet pause, resume and restart written through one worker and acted on by it, as by every worker. */
    @Test
    void controlsArePausedResumedAndRestartedThroughTheBucket(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("control-it").build();
        ClusterSettings c = cluster("control-it-" + System.nanoTime());
        Connection pusher = NatsConnector.connect(settings);
        KeyValue kv = withPipelineA(pusher, c);
        RecordingPipelines pipelines = new RecordingPipelines("a");
        try (RuntimeNats nats = new RuntimeNats(settings);
             Fleet fleet = worker(c, nats)) {
            fleet.start(List::of, List::of, "http://127.0.0.1:1", pipelines);
            await().atMost(Duration.ofSeconds(10)).until(fleet::synced);
            assertEquals("paused", fleet.control("a", "pause").get("state").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> pipelines.calls.contains("pause a"));
            fleet.control("a", "restart");
            await().atMost(Duration.ofSeconds(10)).until(() -> pipelines.calls.contains("restart a"));
            fleet.control("a", "resume");
            await().atMost(Duration.ofSeconds(10)).until(() -> pipelines.calls.contains("resume a"));
            assertEquals(List.of("pause a", "restart a", "resume a"), pipelines.calls.stream().distinct().toList());
            assertEquals("running", fleet.view().get("control").get("a").get("state").asText());
            assertEquals(1, fleet.view().get("control").get("a").get("generation").asInt());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> fleet.control("nope", "pause"));
        } finally {
            NatsConnector.close(pusher);
        }
    }

    /** Pipelines that record what is asked of them and change state as asked. */
    private static final class RecordingPipelines implements io.jetconnect.runtime.pipeline.ManagedPipelines {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final java.util.Map<String, io.jetconnect.runtime.pipeline.ManagedPipeline> byName =
                new java.util.concurrent.ConcurrentHashMap<>();

        RecordingPipelines(String... names) {
            for (String name : names) {
                byName.put(name, pipeline(name));
            }
        }

        private io.jetconnect.runtime.pipeline.ManagedPipeline pipeline(String name) {
            io.jetconnect.runtime.pipeline.PipelineState[] state =
                    {io.jetconnect.runtime.pipeline.PipelineState.RUNNING};
            return (io.jetconnect.runtime.pipeline.ManagedPipeline) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {io.jetconnect.runtime.pipeline.ManagedPipeline.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "name" -> name;
                        case "state" -> state[0];
                        case "pause" -> {
                            calls.add("pause " + name);
                            state[0] = io.jetconnect.runtime.pipeline.PipelineState.PAUSED;
                            yield true;
                        }
                        case "resume" -> {
                            calls.add("resume " + name);
                            state[0] = io.jetconnect.runtime.pipeline.PipelineState.RUNNING;
                            yield true;
                        }
                        default -> null;
                    });
        }

        @Override
        public List<io.jetconnect.runtime.pipeline.ManagedPipeline> all() {
            return List.copyOf(byName.values());
        }

        @Override
        public Optional<io.jetconnect.runtime.pipeline.ManagedPipeline> get(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        @Override
        public io.jetconnect.runtime.pipeline.ManagedPipeline restart(String name) {
            calls.add("restart " + name);
            // A restarted instance starts running; the fleet's pause then holds on it.
            io.jetconnect.runtime.pipeline.ManagedPipeline fresh = pipeline(name);
            byName.put(name, fresh);
            return fresh;
        }
    }
}
