package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server is killed with SIGKILL in the middle of a replay and started again on the same store. */
class BrokerRestartIT {

    private static final int N = 20_000;
    private NatsServer server;
    private TestStreams streams;

    @BeforeEach
    void spawn() {
        server = NatsServer.spawn();
        streams = new TestStreams(server.url());
    }

    @AfterEach
    void kill() {
        streams.close();
        server.close();
    }

    @Test
    void resumesAfterTheBrokerIsKilledAndRestarted() {
        streams.filled("CRASH", N);
        TestContexts contexts = TestContexts.of("replay").nats(server.url())
                .config("stream = CRASH\nmax-in-flight = 256\nprogress-interval = 1s");
        CollectingChain chain = CollectingChain.slow(1000);
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> chain.completed() >= N / 4);
            server.kill();
            long atKill = chain.completed();
            server.restart();
            await().atMost(Duration.ofSeconds(40)).until(() -> Long.valueOf(N).equals(contexts.cursors().get("CRASH")));
            System.out.printf("killed after %d events; %d emitted in all%n", atKill, chain.size());
        } finally {
            source.stop();
            chain.close();
        }
        Set<String> ids = new HashSet<>(chain.ids());
        assertEquals(N, ids.size(), "every event at least once");
        assertNull(contexts.failure());
    }
}
