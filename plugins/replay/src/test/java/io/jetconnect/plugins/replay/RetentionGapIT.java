package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.JetconnectException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A stream that keeps 100 messages of the 300 published: a stored cursor of 10 points into the removed part. */
@ExtendWith(NatsServerExtension.class)
class RetentionGapIT {

    private static String url;
    private static TestStreams streams;

    @BeforeAll
    static void fill(NatsServer server) {
        url = server.url();
        streams = new TestStreams(url);
    }

    @AfterAll
    static void close() {
        streams.close();
    }

    private static TestContexts contexts(String stream, String onGap) {
        streams.create(stream, 100);
        streams.publish(stream, 1, 300);
        TestContexts contexts = TestContexts.of("replay").nats(url)
                .config("stream = " + stream + "\non-gap = " + onGap);
        contexts.cursors().put(stream, 10L);
        return contexts;
    }

    /** 11 was requested, 201 is the first retained: 190 events are gone. */
    private static String gapLine() {
        return "jetconnect_source_gap_events_total{pipeline=\"test\",source=\"replay\"} 190.0";
    }

    @Test
    void failReportsTheGapAndEmitsNothing() {
        TestContexts contexts = contexts("GAPFAIL", "fail");
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> contexts.failure() != null);
        } finally {
            source.stop();
        }
        assertInstanceOf(JetconnectException.class, contexts.failure());
        assertTrue(contexts.failure().getMessage().contains("requested 11, first available 201, 190 missing"),
                contexts.failure().getMessage());
        assertTrue(contexts.registry().scrape().contains(gapLine()), contexts.registry().scrape());
        assertEquals(0, chain.size());
        assertEquals(10L, contexts.cursors().get("GAPFAIL"), "the cursor does not move over the gap");
    }

    @Test
    void autoFailsWhenResumingFromAStoredCursor() {
        TestContexts contexts = contexts("GAPAUTO", "auto");
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(CollectingChain.immediate()));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> contexts.failure() != null);
        } finally {
            source.stop();
        }
        assertTrue(contexts.registry().scrape().contains(gapLine()));
    }

    @Test
    void skipGoesOnFromTheFirstRetainedEvent() {
        TestContexts contexts = contexts("GAPSKIP", "skip");
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(300).equals(contexts.cursors().get("GAPSKIP")));
        } finally {
            source.stop();
        }
        assertNull(contexts.failure());
        assertEquals(LongStream.rangeClosed(201, 300).mapToObj(Long::toString).collect(Collectors.toList()),
                chain.ids());
        assertTrue(contexts.registry().scrape().contains(gapLine()));
    }
}
