package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.JetconnectException;
import io.jetconnect.testing.TestContexts;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A stream that keeps 100 messages of the 300 published: a stored cursor of 10 points into the removed part. */
class RetentionGapIT extends StreamServerTest {

    private static TestContexts gapped(String stream, String onGap) {
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
        TestContexts contexts = gapped("GAPFAIL", "fail");
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new ReplaySource(), contexts, chain, failed(contexts));
        assertInstanceOf(JetconnectException.class, contexts.failure());
        assertTrue(contexts.failure().getMessage().contains("requested 11, first available 201, 190 missing"),
                contexts.failure().getMessage());
        assertTrue(contexts.registry().scrape().contains(gapLine()), contexts.registry().scrape());
        assertEquals(0, chain.size());
        assertEquals(10L, contexts.cursors().get("GAPFAIL"), "the cursor does not move over the gap");
    }

    @Test
    void autoFailsWhenResumingFromAStoredCursor() {
        TestContexts contexts = gapped("GAPAUTO", "auto");
        runUntil(new ReplaySource(), contexts, CollectingChain.immediate(), failed(contexts));
        assertTrue(contexts.registry().scrape().contains(gapLine()));
    }

    @Test
    void skipGoesOnFromTheFirstRetainedEvent() {
        TestContexts contexts = gapped("GAPSKIP", "skip");
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new ReplaySource(), contexts, chain, cursorAt(contexts, "GAPSKIP", 300));
        assertNull(contexts.failure());
        assertEquals(LongStream.rangeClosed(201, 300).mapToObj(Long::toString).collect(Collectors.toList()),
                chain.ids());
        assertTrue(contexts.registry().scrape().contains(gapLine()));
    }
}
