package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.pipeline.PipelineSourceContext;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReplaySourceIT extends StreamServerTest {

    private static final int N = 20_000;

    private static String scrape(TestContexts contexts) {
        return contexts.registry().scrape();
    }

    @Test
    void replaysEveryEventInOrderThenStops() {
        streams.filled("ALL", N);
        TestContexts contexts = contexts("replay", "stream = ALL");
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(N).equals(contexts.cursors().get("ALL")));
            assertEquals(ids(1, N), chain.ids());
            String scrape = scrape(contexts);
            assertTrue(scrape.contains("jetconnect_source_events_total{pipeline=\"test\",source=\"replay\"} 20000.0"),
                    scrape);
            assertTrue(scrape.contains("jetconnect_source_cursor{pipeline=\"test\",source=\"replay\"} 20000.0"),
                    scrape);
            assertTrue(scrape.contains("jetconnect_source_lag_events{pipeline=\"test\",source=\"replay\"} 0.0"),
                    scrape);
            assertEquals(Map.of("stream", "ALL", "cursorKey", "ALL", "durable", false, "cursor", (long) N,
                    "lagEvents", 0L), contexts.status(), "the status the admin API reads");
            assertNull(contexts.failure());
        } finally {
            source.stop();
        }
        assertEquals(N, chain.size(), "then = stop emits nothing published after the start");
    }

    @Test
    void stopsHalfWayAndResumesFromTheStoredCursor() {
        streams.filled("HALF", N);
        // stop-timeout = 0s: the first run abandons whatever is in flight, as a crash would.
        TestContexts contexts = contexts("replay", "stream = HALF\nmax-in-flight = 512\nstop-timeout = 0s");
        // Slow enough (about 10,000 events/s with 512 in flight) that it is stopped half-way, however fast the
        // reader is: the replay reads faster than the first version of this test assumed.
        CollectingChain first = CollectingChain.slow(100_000);
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(first));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> first.completed() >= N / 2);
        source.stop();
        long cursorAfterStop = contexts.cursors().get("HALF");
        int emittedByFirst = first.size();
        assertTrue(cursorAfterStop >= N / 2 - 512 && cursorAfterStop < N, "cursor " + cursorAfterStop);

        CollectingChain second = CollectingChain.immediate();
        ReplaySource resumed = new ReplaySource();
        resumed.start(contexts.source(second));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(N).equals(contexts.cursors().get("HALF")));
        } finally {
            resumed.stop();
            first.close();
        }
        List<String> firstIds = first.ids().subList(0, emittedByFirst);
        List<String> secondIds = second.ids();
        assertEquals(ids(cursorAfterStop + 1, N), secondIds, "the second run starts right after the cursor");
        Set<String> union = new HashSet<>(firstIds);
        union.addAll(secondIds);
        assertEquals(N, union.size(), "every event at least once");
        Set<String> duplicates = new HashSet<>(firstIds);
        duplicates.retainAll(secondIds);
        assertTrue(duplicates.size() <= 512, duplicates.size() + " duplicates, more than max-in-flight");
        System.out.printf("stopped at cursor %d after %d emitted; %d delivered twice%n", cursorAfterStop,
                emittedByFirst, duplicates.size());
    }

    @Test
    void handsOverFromTheDrainToTheLiveTailWithoutGapOrRepeat() throws InterruptedException {
        int before = 10_000;
        int during = 5_000;
        streams.filled("HANDOVER", before);
        TestContexts contexts = contexts("replay", "stream = HANDOVER\nthen = live-tail");
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        PipelineSourceContext context = contexts.source(chain);
        source.start(context);
        AtomicBoolean published = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            for (int n = before + 1; n <= before + during; n += 100) {
                streams.publish("HANDOVER", n, n + 99);
            }
            published.set(true);
        });
        publisher.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> chain.size() >= before + during && published.get());
            publisher.join();
            assertEquals(ids(1, before + during), chain.ids());
            assertTrue(chain.ids().indexOf(Integer.toString(before)) < chain.ids().size() - 1);
        } finally {
            source.stop();
        }
        assertNull(contexts.failure());
    }

    @Test
    void skipsAndCountsMessagesThatAreNoCloudEvents() {
        streams.filled("MIXED", 10);
        streams.publishGarbage("MIXED");
        streams.publish("MIXED", 11, 20);
        TestContexts contexts = contexts("replay", "stream = MIXED");
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new ReplaySource(), contexts, chain, cursorAt(contexts, "MIXED", 21));
        assertEquals(ids(1, 20), chain.ids());
        assertTrue(scrape(contexts).contains(
                "jetconnect_source_invalid_total{pipeline=\"test\",reason=\"binary\",source=\"replay\"} 1.0"),
                scrape(contexts));
    }

    @Test
    void startsAtASequenceAndFiltersBySubject() {
        streams.filled("FILTER", 100);
        // The same events again on another subject: a filter on it sees only those.
        try {
            io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers()
                    .put("content-type", io.cloudevents.jackson.JsonFormat.CONTENT_TYPE);
            for (long n = 101; n <= 120; n++) {
                streams.connection().jetStream().publish("FILTER.other", headers,
                        TestStreams.FORMAT.serialize(TestStreams.event(n)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        TestContexts contexts = contexts("replay", "stream = FILTER\nfilter-subject = FILTER.other\nstart = \"seq:105\"");
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new ReplaySource(), contexts, chain, cursorAt(contexts, "FILTER", 120));
        assertEquals(ids(105, 120), chain.ids(), "sequences 101 to 120 are FILTER.other; the read starts at 105");
    }

    @Test
    void readsAgainFromTheCursorWhenTheChainRefusesAnEventForNow() {
        streams.filled("REFUSED", 2000);
        TestContexts contexts = contexts("replay", "stream = REFUSED");
        RefusingChain chain = new RefusingChain("700", new RetriableException("circuit open"), 2);
        runUntil(new ReplaySource(), contexts, chain, cursorAt(contexts, "REFUSED", 2000));
        assertNull(contexts.failure());
        List<String> handled = chain.handled();
        assertEquals(new HashSet<>(ids(1, 2000)), new HashSet<>(handled), "everything handled in the end");
        // Read again from 700 twice: what followed 700 before each refusal came again, and nothing before it.
        assertEquals(ids(1, 699), handled.subList(0, 699));
        assertEquals(3, chain.emitted().stream().filter("700"::equals).count());
        assertEquals(ids(700, 2000), handled.subList(handled.size() - 1301, handled.size()));
    }

    @Test
    void failsWhenTheChainRefusesAnEventForGood() {
        streams.filled("REFUSEDFOREVER", 500);
        TestContexts contexts = contexts("replay", "stream = REFUSEDFOREVER\nthen = live-tail");
        RefusingChain chain = new RefusingChain("100", new JetconnectException("no such subject"), 1);
        runUntil(new ReplaySource(), contexts, chain, failed(contexts));
        assertTrue(contexts.failure().getMessage().contains("sequence 100 for good: no such subject"),
                contexts.failure().getMessage());
        assertEquals(99L, contexts.cursors().get("REFUSEDFOREVER"), "the cursor stays before the refused event");
    }

    @Test
    void startsAtATime() throws Exception {
        streams.filled("TIMED", 10);
        streams.publish("TIMED", 11, 20);
        java.time.ZonedDateTime eleventh = streams.connection().jetStreamManagement().getMessage("TIMED", 11).getTime();
        TestContexts contexts = contexts("replay", "stream = TIMED\nstart = \"time:" + eleventh.toOffsetDateTime() + "\"");
        CollectingChain chain = CollectingChain.immediate();
        runUntil(new ReplaySource(), contexts, chain, cursorAt(contexts, "TIMED", 20));
        assertEquals(ids(11, 20), chain.ids(), "from the first message stored at or after the time");
    }
}
