package io.jetconnect.runtime.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket's watch against a real nats-server whose monitoring port shows each connection's subscriptions: a
 * watch that fails to start leaves none behind (a worker retries its start until the bucket answers).
 */
class BucketWatchIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path store;

    /**
     * A user who may create consumers but not ask about them: the watch's subscription is made, then its last step
     * (how much is there to catch up on) is refused.
     */
    @Test
    void aWatchThatFailsToStartLeavesNoSubscriptionBehind() throws Exception {
        int monitor = NatsServer.freePort();
        String config = "http: \"127.0.0.1:" + monitor + "\"\n"
                + "jetstream { store_dir: \"" + store + "\" }\n"
                + "accounts { fleet { jetstream: enabled, users: [\n"
                + "  { user: admin, password: admin }\n"
                + "  { user: noinfo, password: noinfo, permissions: { publish: { deny: [\"$JS.API.CONSUMER.INFO.>\"]"
                + " } } }\n"
                + "] } }\n";
        try (NatsServer server = NatsServer.withConfig(config)) {
            ClusterSettings cluster = new ClusterSettings("it", "watch-it", Optional.empty(), Optional.empty(),
                    Duration.ofSeconds(1), Duration.ofSeconds(3), 1, Duration.ofSeconds(1), Duration.ofHours(1));
            Connection admin = connect(server, "admin");
            Connection denied = connect(server, "noinfo");
            try {
                // Empty: no entry says it is the last one, so the watch has to ask the server.
                KeyValue kv = FleetBucket.open(admin, cluster);
                FleetBucket.open(denied, cluster); // its request-reply subscription exists from here on
                int before = subscriptions(monitor, "noinfo");

                AtomicInteger caughtUp = new AtomicInteger();
                BucketWatch watch = watch(caughtUp);
                assertThrows(java.io.IOException.class, () -> watch.start(denied, cluster.bucket()));
                // jnats' KeyValue.watchAll leaves one more here, for good.
                await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions(monitor, "noinfo") == before);

                int adminBefore = subscriptions(monitor, "admin");
                BucketWatch working = watch(caughtUp);
                working.start(admin, cluster.bucket());
                await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp.get() == 1);
                kv.put("workers.w1", "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(10)).until(() -> working.workers().containsKey("w1"));
                assertEquals(adminBefore + 1, subscriptions(monitor, "admin"));
                working.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions(monitor, "admin") == adminBefore);
            } finally {
                admin.close();
                denied.close();
            }
        }
    }

    /** An empty bucket delivers nothing, so the watch learns from the server that it has caught up. */
    @Test
    void aWatchOfAnEmptyBucketCatchesUpAndFollowsWhatComes() throws Exception {
        try (NatsServer server = NatsServer.spawn()) {
            Connection nc = Nats.connect(server.url());
            try {
                ClusterSettings cluster = new ClusterSettings("it", "empty-it", Optional.empty(), Optional.empty(),
                        Duration.ofSeconds(1), Duration.ofSeconds(3), 1, Duration.ofSeconds(1), Duration.ofHours(1));
                KeyValue kv = FleetBucket.open(nc, cluster);
                AtomicInteger caughtUp = new AtomicInteger();
                BucketWatch watch = watch(caughtUp);
                watch.start(nc, cluster.bucket());
                await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp.get() == 1);
                assertTrue(watch.serverNow().isEmpty(), "nothing delivered, no server time");

                kv.put("workers.w2", "{\"id\": \"w2\"}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(10)).until(() -> watch.workers().containsKey("w2"));
                FleetView.Seen seen = watch.workers().get("w2");
                assertEquals(kv.get("workers.w2").getRevision(), seen.revision());
                assertEquals(Optional.of(true), watch.serverNow().map(now -> !now.isBefore(seen.writtenAt())),
                        "the server's time is at least that of the newest entry");
                watch.close();
            } finally {
                nc.close();
            }
        }
    }

    /** A close that comes while the watch starts (here: before) leaves no subscription, and nothing fails after. */
    @Test
    void aWatchClosedWhileItStartsLeavesNoSubscriptionBehind() throws Exception {
        int monitor = NatsServer.freePort();
        String config = "http: \"127.0.0.1:" + monitor + "\"\n"
                + "jetstream { store_dir: \"" + store + "\" }\n"
                + "accounts { fleet { jetstream: enabled, users: [ { user: admin, password: admin } ] } }\n";
        try (NatsServer server = NatsServer.withConfig(config)) {
            Connection admin = connect(server, "admin");
            try {
                KeyValue kv = FleetBucket.open(admin, CLUSTER);
                int before = subscriptions(monitor, "admin");
                AtomicInteger caughtUp = new AtomicInteger();
                BucketWatch watch = watch(caughtUp);
                watch.close();
                watch.start(admin, CLUSTER.bucket()); // an empty bucket: it asks, and would take the catch-up
                kv.put("workers.w3", "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions(monitor, "admin") == before);
                assertEquals(0, caughtUp.get(), "nothing runs on a closed watch");
            } finally {
                admin.close();
            }
        }
    }

    /**
     * A forgotten worker's status is deleted only over the revision seen; its delete marker goes once old enough;
     * a connection closing under the delete is a refusal, not an exception.
     */
    @Test
    void aForgottenStatusLeavesOneMarkerAndAClosedConnectionIsARefusal() throws Exception {
        try (NatsServer server = NatsServer.spawn()) {
            Connection nc = Nats.connect(server.url());
            Connection closing = Nats.connect(server.url());
            try {
                KeyValue kv = FleetBucket.open(nc, CLUSTER);
                long revision = kv.put("workers.w4", "{}".getBytes(StandardCharsets.UTF_8));
                assertEquals(false, FleetBucket.deleteAt(kv, "workers.w4", revision - 1), "changed since");
                assertTrue(FleetBucket.deleteAt(kv, "workers.w4", revision));
                assertEquals(1, messages(nc), "a delete marker, kept for watches that were away");

                long again = kv.put("workers.w5", "{}".getBytes(StandardCharsets.UTF_8));
                KeyValue gone = FleetBucket.open(closing, CLUSTER);
                closing.close();
                assertEquals(false, FleetBucket.deleteAt(gone, "workers.w5", again));
            } finally {
                nc.close();
            }
        }
    }

    private static final ClusterSettings CLUSTER = new ClusterSettings("it", "closing-it", Optional.empty(),
            Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(3), 1, Duration.ofSeconds(1),
            Duration.ofHours(1));

    private static long messages(Connection nc) throws Exception {
        return nc.jetStreamManagement().getStreamInfo("KV_" + CLUSTER.bucket()).getStreamState().getMsgCount();
    }

    private static BucketWatch watch(AtomicInteger caughtUp) {
        return new BucketWatch("self", () -> { }, () -> { }, controls -> caughtUp.incrementAndGet());
    }

    private static Connection connect(NatsServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, user).connectionName(user)
                .build());
    }

    /** @return the subscriptions the server counts for the connection of that name */
    private static int subscriptions(int monitor, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + monitor + "/connz?subs=1&acc=fleet")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode c : JSON.readTree(response.body()).path("connections")) {
            if (name.equals(c.path("name").asText())) {
                return c.path("subscriptions_list").size();
            }
        }
        throw new AssertionError("no connection " + name + " in " + response.body());
    }
}
