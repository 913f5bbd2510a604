package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.nats.SharedConnections;
import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.spi.CursorStore;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many replay sources of the same NATS settings on a few shared connections, counted by the server's monitoring
 * ({@code /connz}): each still copies its stream whole and in order, one stopping leaves the others alone, and a
 * broker killed mid-copy costs none of them an event.
 */
class SharedConnectionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    /** Sources in the tests with many: five times the connections a group may have. */
    private static final int SOURCES = 20;
    private static final int STREAMS = 4;
    private static final String SHARED_NAME = "jetconnect-test-replay";

    private final HttpClient http = HttpClient.newHttpClient();
    private int monitor;
    private NatsServer server;
    private TestStreams streams;
    private final List<Reader> readers = new ArrayList<>();

    /** One pipeline: its source, its chain and its contexts (holding its cursor). */
    private record Reader(String pipeline, String stream, TestContexts contexts, CollectingChain chain,
                          ReplaySource source) {
    }

    @BeforeEach
    void spawn() {
        monitor = NatsServer.freePort();
        server = NatsServer.spawn("--http_port", String.valueOf(monitor)); // the last --http_port wins
        streams = new TestStreams(server.url());
    }

    @AfterEach
    void stopAll() {
        for (Reader r : readers) {
            r.source().stop();
            r.chain().close();
        }
        streams.close();
        server.close();
    }

    @Test
    void twentySourcesShareAtMostFourConnectionsAndEachCopiesItsStreamInOrder() throws Exception {
        long n = 2_000;
        tailTwenty(n);
        Map<String, Integer> connections = connectionsByName();
        int shared = connections.getOrDefault(SHARED_NAME, 0);
        assertTrue(shared <= 4 && shared >= 2, "spread over 2 to 4 shared connections: " + connections);
        assertEquals(1, connections.size() - (connections.containsKey(SHARED_NAME) ? 1 : 0),
                "nothing but the shared connections and the test's own: " + connections);
        for (int s = 0; s < STREAMS; s++) {
            // Each pipeline reads with a consumer of its own, even on one connection with others of the same stream.
            assertEquals(SOURCES / STREAMS, streams.connection().jetStreamManagement()
                    .getConsumerNames("S" + s).size(), "consumers of S" + s);
        }
        assertInOrder(n);
    }

    @Test
    void aSourceThatStopsLeavesTheOthersOnItsConnectionReading() throws Exception {
        long n = 500;
        tailTwenty(n);
        Set<Long> sharedBefore = sharedCids();
        int subscriptionsBefore = sharedSubscriptions();

        Reader stopped = readers.remove(0);
        stopped.source().stop();
        stopped.chain().close();
        assertEquals(sharedBefore, sharedCids(), "no shared connection closed nor opened");
        // The unsubscribe goes out with the connection's next write: wait for the server to have it.
        await().atMost(PATIENCE).until(() -> sharedSubscriptions() <= subscriptionsBefore - 1);
        assertEquals(subscriptionsBefore - 1, sharedSubscriptions(), "its own subscription, and only it, gone");
        assertEquals(SOURCES / STREAMS - 1, streams.connection().jetStreamManagement()
                .getConsumerNames(stopped.stream()).size(), "its ephemeral consumer deleted");

        for (int s = 0; s < STREAMS; s++) {
            streams.publish("S" + s, n + 1, 2 * n);
        }
        awaitCopied(2 * n);
        assertInOrder(2 * n);

        // Started again in the same pipeline: from its stored cursor, on the shared connections.
        CollectingChain again = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        readers.add(new Reader(stopped.pipeline(), stopped.stream(), stopped.contexts(), again, source));
        source.start(stopped.contexts().source(again));
        await().atMost(PATIENCE).until(() -> again.size() >= n);
        assertEquals(LongStream.rangeClosed(n + 1, 2 * n).mapToObj(Long::toString).collect(Collectors.toList()),
                again.ids());
        assertEquals(sharedBefore, sharedCids());
    }

    @Test
    void everySourceGoesOnPromptlyAfterItsConnectionReconnectsMidCopy() throws Exception {
        long n = 5_000;
        copyTwenty(n);
        await().atMost(PATIENCE).until(() -> readers.stream().allMatch(r -> r.chain().completed() >= n / 10));
        Set<Long> before = sharedCids();
        // Leases until each shared connection was reached (a lease takes the least shared, so uneven shares take
        // more than one each); the server stays up, so only the sockets go: pull requests in flight are lost with
        // them, and jnats reconnects within a second.
        NatsConnector connector = NatsConnector.source(readers.get(0).contexts().source(CollectingChain.immediate())
                .nats(), "test", "replay", false);
        List<SharedConnections.Lease> leases = new ArrayList<>();
        try {
            Set<io.nats.client.Connection> reconnected = new java.util.HashSet<>();
            for (int i = 0; i < 64 && reconnected.size() < before.size(); i++) {
                SharedConnections.Lease lease = connector.lease();
                leases.add(lease);
                io.nats.client.Connection c = lease.connection();
                if (reconnected.add(c)) {
                    c.forceReconnect();
                }
            }
            long atReconnect = readers.stream().mapToLong(r -> r.chain().completed()).sum();
            assertTrue(atReconnect < SOURCES * n, "reconnected mid-copy: " + atReconnect);
            assertEquals(before.size(), reconnected.size(), "every shared connection reconnected");
        } finally {
            leases.forEach(SharedConnections.Lease::close);
        }
        // Far below the heartbeat alarm (about 45 s) a lost pull request would wait for.
        await().atMost(Duration.ofSeconds(15)).until(() -> cursorsAt(n));
        assertTrue(java.util.Collections.disjoint(before, sharedCids()), "new sockets after the reconnect");
        assertInOrder(n);
    }

    @Test
    void everySourceResumesAfterTheBrokerIsKilledMidCopy() throws Exception {
        long n = 5_000;
        copyTwenty(n);
        await().atMost(PATIENCE).until(() -> readers.stream().mapToLong(r -> r.chain().completed()).sum()
                >= SOURCES * n / 4);
        Map<String, Integer> reading = connectionsByName();
        assertTrue(reading.get(SHARED_NAME) <= 4 && reading.size() == 2, "while copying: " + reading);
        server.kill();
        long atKill = readers.stream().mapToLong(r -> r.chain().completed()).sum();
        server.restart();
        await().atMost(PATIENCE).until(() -> cursorsAt(n));
        System.out.printf("killed after %d of %d events%n", atKill, SOURCES * n);
        assertTrue(atKill < SOURCES * n, "killed mid-copy");
        assertInOrder(n);
    }

    @Test
    void aSourceWithItsOwnConnectionDoesNotShare() throws Exception {
        long n = 100;
        fill(n);
        for (int i = 0; i < 5; i++) {
            start("p" + i, "S" + (i % STREAMS), "then = live-tail", CollectingChain.immediate());
        }
        start("alone", "S0", "then = live-tail\nconnection = own", CollectingChain.immediate());
        awaitCopied(n);
        Map<String, Integer> connections = connectionsByName();
        assertEquals(1, connections.get("jetconnect-test-alone-replay"), connections.toString());
        assertEquals(4, connections.get(SHARED_NAME), "the 5 shared sources spread over 4: " + connections);

        Reader alone = readers.remove(readers.size() - 1);
        alone.source().stop();
        alone.chain().close();
        await().atMost(PATIENCE).until(() -> !connectionsByName().containsKey("jetconnect-test-alone-replay"));
        assertEquals(4, connectionsByName().get(SHARED_NAME));
        assertInOrder(n);
    }

    @Test
    void aSourceWhoseCursorStoreBreaksStillGivesItsShareBack() throws Exception {
        fill(100);
        CursorStore broken = new CursorStore() {
            @Override
            public OptionalLong load(String key) {
                return OptionalLong.empty();
            }

            @Override
            public void store(String key, long position) {
                throw new IllegalStateException("the cursor store broke"); // not retriable: the source fails
            }
        };
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        source.start(new PipelineSourceContext(TestContexts.of("replay").pipeline("broken").nats(server.url())
                .config("stream = S0").sink(), chain, broken, (name, handler) -> { }, e -> { }));
        try {
            // Done (then = stop), it stores its cursor, which throws (out of the reader's thread, which Awaitility
            // would report): the share must still go back, closing the connection it alone held.
            await().dontCatchUncaughtExceptions().atMost(PATIENCE).until(() -> chain.size() >= 100);
            await().dontCatchUncaughtExceptions().atMost(PATIENCE)
                    .until(() -> !connectionsByName().containsKey(SHARED_NAME));
        } finally {
            source.stop();
            chain.close();
        }
    }

    /** Starts {@link #SOURCES} tailing sources over {@link #STREAMS} streams of n events; waits until each has them. */
    private void tailTwenty(long n) {
        fill(n);
        for (int i = 0; i < SOURCES; i++) {
            start("p" + i, "S" + (i % STREAMS), "then = live-tail", CollectingChain.immediate());
        }
        awaitCopied(n);
    }

    /** Fills {@link #STREAMS} streams with n events and starts {@link #SOURCES} sources copying them slowly. */
    private void copyTwenty(long n) {
        fill(n);
        for (int i = 0; i < SOURCES; i++) {
            start("p" + i, "S" + (i % STREAMS), "max-in-flight = 128\nbatch-size = 64",
                    CollectingChain.slow(2_000));
        }
    }

    /** @return whether every reader stored n as its cursor */
    private boolean cursorsAt(long n) {
        return readers.stream().allMatch(r -> Long.valueOf(n).equals(r.contexts().cursors().get(r.stream())));
    }

    private void fill(long n) {
        for (int s = 0; s < STREAMS; s++) {
            streams.filled("S" + s, n);
        }
    }

    private void start(String pipeline, String stream, String config, CollectingChain chain) {
        TestContexts contexts = TestContexts.of("replay").pipeline(pipeline).nats(server.url())
                .config("stream = " + stream + "\n" + config);
        ReplaySource source = new ReplaySource();
        readers.add(new Reader(pipeline, stream, contexts, chain, source));
        source.start(contexts.source(chain));
    }

    private void awaitCopied(long n) {
        await().atMost(PATIENCE).until(() -> readers.stream().allMatch(r -> r.chain().size() >= n));
    }

    /** Every reader emitted events 1 to n, once each, in stream order, and none failed. */
    private void assertInOrder(long n) {
        List<String> expected = LongStream.rangeClosed(1, n).mapToObj(Long::toString).collect(Collectors.toList());
        for (Reader r : readers) {
            assertEquals(expected, r.chain().ids(), "pipeline " + r.pipeline() + " reading " + r.stream());
            assertNull(r.contexts().failure());
        }
    }

    /** @return the client connections the server has, by name */
    private Map<String, Integer> connectionsByName() throws IOException, InterruptedException {
        Map<String, Integer> byName = new TreeMap<>();
        for (JsonNode c : connz("").path("connections")) {
            byName.merge(c.path("name").asText(), 1, Integer::sum);
        }
        return byName;
    }

    /** @return the server's ids of the shared connections: a closed and reopened one has a new id */
    private Set<Long> sharedCids() throws IOException, InterruptedException {
        Set<Long> cids = new TreeSet<>();
        for (JsonNode c : connz("").path("connections")) {
            if (SHARED_NAME.equals(c.path("name").asText())) {
                cids.add(c.path("cid").asLong());
            }
        }
        return cids;
    }

    /** @return the subscriptions of the shared connections */
    private int sharedSubscriptions() throws IOException, InterruptedException {
        int subscriptions = 0;
        for (JsonNode c : connz("?subs=1").path("connections")) {
            if (SHARED_NAME.equals(c.path("name").asText())) {
                subscriptions += c.path("subscriptions_list").size();
            }
        }
        return subscriptions;
    }

    private JsonNode connz(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + monitor + "/connz" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
