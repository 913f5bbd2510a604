package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplaySettingsTest {

    private static ReplaySettings replay(String config) {
        return ReplaySettings.replay(TestContexts.of("replay").config(config)
                .stream(TestContexts.fileStream("orders", "ORDERS", "orders.>")).sink());
    }

    private static String refusal(String config) {
        return assertThrows(ConfigurationException.class, () -> replay(config)).getMessage();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        ReplaySettings settings = replay("stream = orders");
        assertEquals("ORDERS", settings.streamName(), "a key of jetconnect.streams resolves to its stream");
        assertEquals(StartPosition.EARLIEST, settings.start());
        assertEquals(ReplaySettings.Then.STOP, settings.then());
        assertEquals(ReplaySettings.OnGap.AUTO, settings.onGap());
        assertNull(settings.durable());
        assertNull(settings.filterSubject());
        assertEquals(256, settings.batchSize());
        assertEquals(1024, settings.maxInFlight());
        assertEquals(Duration.ofMinutes(5), settings.inactiveThreshold());
        assertEquals(Duration.ofSeconds(5), settings.refreshInterval());
        assertEquals("ORDERS", settings.cursorKey());
        assertEquals(Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(30)), settings.backoff());
        org.junit.jupiter.api.Assertions.assertFalse(settings.ownConnection(), "shares connections");
    }

    @Test
    void aSourceMayKeepAConnectionOfItsOwn() {
        assertTrue(replay("stream = X\nconnection = own").ownConnection());
        assertTrue(ReplaySettings.liveTail(TestContexts.of("live-tail").config("stream = X\nconnection = own")
                .sink()).ownConnection(), "a live tail's too");
        assertTrue(refusal("stream = X\nconnection = mine").contains("must be shared or own"),
                refusal("stream = X\nconnection = mine"));
    }

    /** In a fleet, a reader with a cursor of its own runs on one worker at a time; without one it may run on all. */
    @Test
    void aReaderWithACursorRunsOnce() {
        assertTrue(new ReplaySource().runsOnce(TestContexts.of("replay").config("stream = X").connectorConfig()));
        assertTrue(new LiveTailSource().runsOnce(TestContexts.of("live-tail").config("stream = X, cursor = kv")
                .connectorConfig()));
        org.junit.jupiter.api.Assertions.assertFalse(new ReplaySource().runsOnce(TestContexts.of("replay")
                .config("stream = X, cursor = none").connectorConfig()));
    }

    @Test
    void theRetryWaitsAreTheOneBackoffVocabulary() {
        ReplaySettings settings = replay("stream = X\nbackoff { initial = 1s, max = 5s, multiplier = 1.5 }");
        assertEquals(Duration.ofSeconds(1), settings.backoff().delay(0));
        assertEquals(Duration.ofMillis(1500), settings.backoff().delay(1));
        assertEquals(Duration.ofSeconds(5), settings.backoff().delay(10), "capped at max");
        assertTrue(refusal("stream = X\nbackoff.max = 100ms").contains("backoff.max"), "max below initial");
        assertTrue(refusal("stream = X\nbackoff.initial = 0s").contains("backoff.initial"));
        assertEquals(Duration.ofSeconds(2), ReplaySettings.liveTail(TestContexts.of("live-tail")
                .config("stream = X\nbackoff.initial = 2s").sink()).backoff().initial(), "a live tail's too");
    }

    @Test
    void theDurableNameIsTheCursorKey() {
        ReplaySettings settings = replay("stream = RAW\ndurable = audit-1\nthen = live-tail\nstart = \"seq:42\"");
        assertEquals("RAW", settings.streamName(), "not a key: a stream name");
        assertEquals("audit-1", settings.cursorKey());
        assertEquals(42, settings.start().sequence());
        assertEquals(ReplaySettings.Then.LIVE_TAIL, settings.then());
    }

    @Test
    void aLiveTailStartsAtLatestAndNeverStops() {
        ReplaySettings settings = ReplaySettings.liveTail(TestContexts.of("live-tail").config("stream = X").sink());
        assertEquals(StartPosition.LATEST, settings.start());
        assertEquals(ReplaySettings.Then.LIVE_TAIL, settings.then());
        assertEquals("live-tail", settings.type());
    }

    @Test
    void refusesWhatCannotWork() {
        assertTrue(refusal("").contains("'jetconnect.pipelines.test.sinks[0].stream'"), refusal(""));
        assertTrue(refusal("stream = X\nstart = first").contains("must be earliest, latest"));
        assertTrue(refusal("stream = X\nthen = loop").contains("must be stop or live-tail"));
        assertTrue(refusal("stream = X\non-gap = ignore").contains("must be fail, skip or auto"));
        assertTrue(refusal("stream = X\ndurable = \"a.b\"").contains("consumer name"));
        assertTrue(refusal("stream = X\nbatch-size = 0").contains("between 1 and"));
        assertTrue(refusal("stream = X\nmax-in-flight = 0").contains("between 1 and"));
        assertTrue(refusal("stream = X\ninactive-threshold = 0s").contains("must be positive"));
        assertTrue(refusal("stream = X\nfilter-subject = \"a b\"").contains("white space"));
    }

    @Test
    void startRefusesBadSettingsBeforeAnyThreadStarts() {
        ReplaySource source = new ReplaySource();
        assertThrows(ConfigurationException.class,
                () -> source.start(TestContexts.of("replay").config("stream = X\nthen = loop")
                        .source(CollectingChain.immediate())));
        source.stop();
    }
}
