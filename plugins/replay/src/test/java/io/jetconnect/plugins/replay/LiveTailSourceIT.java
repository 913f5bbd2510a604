package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class LiveTailSourceIT {

    private static String url;
    private static TestStreams streams;

    @BeforeAll
    static void connect(NatsServer server) {
        url = server.url();
        streams = new TestStreams(url);
    }

    @AfterAll
    static void close() {
        streams.close();
    }

    private static List<String> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(Long::toString).collect(Collectors.toList());
    }

    @Test
    void startsWithNewEventsThenResumesFromTheStoredCursor() {
        streams.create("TAIL", -1);
        streams.publish("TAIL", 1, 100);
        TestContexts contexts = TestContexts.of("live-tail").nats(url).config("stream = TAIL");
        CollectingChain first = CollectingChain.immediate();
        LiveTailSource source = new LiveTailSource();
        source.start(contexts.source(first));
        try {
            // The tail stores its starting point (the stream's last sequence) at once: then it is reading.
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(100).equals(contexts.cursors().get("TAIL")));
            streams.publish("TAIL", 101, 150);
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(150).equals(contexts.cursors().get("TAIL")));
            assertEquals("TAIL", contexts.status().get("cursorKey"));
            assertEquals("TAIL", contexts.status().get("stream"));
            assertEquals(150L, contexts.status().get("cursor"));
            assertEquals(0L, contexts.status().get("lagEvents"));
        } finally {
            source.stop();
        }
        assertEquals(ids(101, 150), first.ids(), "only what was published after the start");

        streams.publish("TAIL", 151, 180);
        CollectingChain second = CollectingChain.immediate();
        LiveTailSource again = new LiveTailSource();
        again.start(contexts.source(second));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(180).equals(contexts.cursors().get("TAIL")));
            streams.publish("TAIL", 181, 190);
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(190).equals(contexts.cursors().get("TAIL")));
        } finally {
            again.stop();
        }
        assertEquals(ids(151, 190), second.ids(), "from the cursor + 1, then live");
        assertNull(contexts.failure());
    }

    @Test
    void aTailOfAnEmptyStreamMissesNothingPublishedWhileItWasDown() {
        streams.create("EMPTYTAIL", -1);
        TestContexts contexts = TestContexts.of("live-tail").nats(url).config("stream = EMPTYTAIL");
        LiveTailSource source = new LiveTailSource();
        source.start(contexts.source(CollectingChain.immediate()));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(0).equals(contexts.cursors().get("EMPTYTAIL")));
        } finally {
            source.stop();
        }
        streams.publish("EMPTYTAIL", 1, 5);
        CollectingChain chain = CollectingChain.immediate();
        LiveTailSource again = new LiveTailSource();
        again.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(5).equals(contexts.cursors().get("EMPTYTAIL")));
        } finally {
            again.stop();
        }
        assertEquals(ids(1, 5), chain.ids());
    }
}
