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
        return new ClusterSettings("it", bucket, Optional.empty(), Optional.empty(), Duration.ofMillis(200),
                Duration.ofSeconds(2), 1, Duration.ofSeconds(1));
    }

    @Test
    void appliesWhatIsPushedAndShowsItselfAliveUntilItLeaves(NatsServer server) throws Exception {
        NatsSettings settings = NatsSettings.builder(server.url()).connectionName("fleet-it").build();
        ClusterSettings c = cluster("fleet-it-" + System.nanoTime());
        Connection pusher = NatsConnector.connect(settings);
        KeyValue kv = FleetBucket.open(pusher, c);
        FleetBucket.apply(kv, PushPlan.of(Map.of("pipelines.a", "source { type = http }"), Map.of()));
        List<Map<String, String>> applied = new CopyOnWriteArrayList<>();
        try (RuntimeNats nats = new RuntimeNats(settings);
             Fleet fleet = new Fleet(c, "w1", nats, Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(100)))) {
            fleet.start(() -> {
                applied.add(Map.copyOf(namesOf(fleet)));
                return List.of();
            }, List::of, "http://127.0.0.1:1", NO_PIPELINES);

            await().atMost(Duration.ofSeconds(10)).until(fleet::synced);
            assertEquals(Map.of("a", "http"), applied.get(0), "the bucket as it was when the worker reached it");

            FleetBucket.apply(kv, PushPlan.of(Map.of("pipelines.b", "source { type = replay }"),
                    FleetBucket.definitions(kv)));

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

    private static Map<String, String> namesOf(Fleet fleet) {
        com.typesafe.config.Config c = fleet.definitions().orElseThrow().getConfig("jetconnect.pipelines");
        Map<String, String> out = new java.util.TreeMap<>();
        c.root().keySet().forEach(k -> out.put(k, c.getString(k + ".source.type")));
        return out;
    }
}
