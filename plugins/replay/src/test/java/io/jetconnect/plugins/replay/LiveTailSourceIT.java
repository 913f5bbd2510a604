package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.testing.TestContexts;
import org.junit.jupiter.api.Test;

class LiveTailSourceIT extends StreamServerTest {

    @Test
    void startsWithNewEventsThenResumesFromTheStoredCursor() {
        streams.filled("TAIL", 100);
        TestContexts contexts = contexts("live-tail", "stream = TAIL");
        CollectingChain first = CollectingChain.immediate();
        // The tail stores its starting point (the stream's last sequence) at once: then it is reading.
        tailWhilePublishing(new LiveTailSource(), contexts, first, "TAIL", 100, 150, () -> {
            assertEquals("TAIL", contexts.status().get("cursorKey"));
            assertEquals("TAIL", contexts.status().get("stream"));
            assertEquals(150L, contexts.status().get("cursor"));
            assertEquals(0L, contexts.status().get("lagEvents"));
        });
        assertEquals(ids(101, 150), first.ids(), "only what was published after the start");

        streams.publish("TAIL", 151, 180);
        CollectingChain second = CollectingChain.immediate();
        tailWhilePublishing(new LiveTailSource(), contexts, second, "TAIL", 180, 190);
        assertEquals(ids(151, 190), second.ids(), "from the cursor + 1, then live");
        assertNull(contexts.failure());
    }

    @Test
    void aTailOfAnEmptyStreamMissesNothingPublishedWhileItWasDown() {
        streams.create("EMPTYTAIL", -1);
        TestContexts contexts = contexts("live-tail", "stream = EMPTYTAIL");
        runUntil(new LiveTailSource(), contexts, CollectingChain.immediate(), cursorAt(contexts, "EMPTYTAIL", 0));
        streams.publish("EMPTYTAIL", 1, 5);
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new LiveTailSource(), contexts, chain, cursorAt(contexts, "EMPTYTAIL", 5));
        assertEquals(ids(1, 5), chain.ids());
    }
}
