package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.TestContexts;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two runtimes reading one stream through the same durable consumer share its events. */
class DurableConsumerIT extends StreamServerTest {

    private static final int N = 20_000;

    @Test
    void twoInstancesShareTheWorkAndTogetherDeliverEverything() throws Exception {
        streams.filled("SHARED", N);
        String config = "stream = SHARED\ndurable = shared-reader\nthen = live-tail\nbatch-size = 64\n"
                + "max-in-flight = 256";
        TestContexts a = contexts("replay", config).pipeline("a");
        TestContexts b = contexts("replay", config).pipeline("b");
        CollectingChain chainA = CollectingChain.slow(300);
        CollectingChain chainB = CollectingChain.slow(300);
        ReplaySource sourceA = new ReplaySource();
        ReplaySource sourceB = new ReplaySource();
        sourceA.start(a.source(chainA));
        sourceB.start(b.source(chainB));
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> union(chainA, chainB).size() == N
                    && chainA.completed() + chainB.completed() >= N);
            await().atMost(Duration.ofSeconds(10)).until(() -> ackFloor() == N);
            await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(N).equals(a.status().get("cursor")));
            assertEquals("shared-reader", a.status().get("cursorKey"), "the durable's name keys the cursor");
            assertEquals(true, a.status().get("durable"));
        } finally {
            sourceA.stop();
            sourceB.stop();
            chainA.close();
            chainB.close();
        }
        Set<String> all = union(chainA, chainB);
        assertEquals(N, all.size(), "every event at least once");
        System.out.printf("durable split: instance a %d, instance b %d, delivered twice %d%n", chainA.size(),
                chainB.size(), chainA.size() + chainB.size() - N);
        assertTrue(chainA.size() > 0 && chainB.size() > 0, "both instances took part");
        assertNull(a.failure());
        assertNull(b.failure());
        ConsumerInfo info = streams.connection().jetStreamManagement().getConsumerInfo("SHARED", "shared-reader");
        assertEquals(AckPolicy.Explicit, info.getConsumerConfiguration().getAckPolicy());
        assertEquals(Long.valueOf(N), a.cursors().get("shared-reader"), "the ack floor is stored under the name");
    }

    private static long ackFloor() throws Exception {
        return streams.connection().jetStreamManagement().getConsumerInfo("SHARED", "shared-reader")
                .getAckFloor().getStreamSequence();
    }

    private static Set<String> union(CollectingChain a, CollectingChain b) {
        Set<String> all = new HashSet<>(a.ids());
        all.addAll(b.ids());
        return all;
    }
}
