package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A replay that goes on as a live tail, into a chain whose circuit fails the events it holds while the reader waits
 * for new messages; a new message arrives right after. The reader must not emit it before it has acted on the
 * refusal: the chain would store it first (as the circuit's probe) and the older events after it.
 */
class CircuitReorderIT extends StreamServerTest {

    private static final int HELD = 20;

    @Test
    void aNewEventIsNotEmittedBeforeTheRefusedOlderOnesAreEmittedAgain() {
        streams.filled("CIRCUIT", HELD);
        TestContexts contexts = contexts("replay", "stream = CIRCUIT\nthen = live-tail\nmax-in-flight = 64");
        CircuitChain chain = new CircuitChain(HELD);
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> chain.held() == HELD);
            chain.openCircuit();
            streams.publish("CIRCUIT", HELD + 1, HELD + 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Long.valueOf(HELD + 1).equals(contexts.cursors().get("CIRCUIT")));
        } finally {
            source.stop();
        }
        List<String> expected = LongStream.rangeClosed(1, HELD + 1).mapToObj(Long::toString)
                .collect(Collectors.toList());
        assertEquals(expected, chain.stored().stream().distinct().collect(Collectors.toList()),
                "stored in stream order, the refused events before the new one");
        assertNull(contexts.failure());
    }
}
