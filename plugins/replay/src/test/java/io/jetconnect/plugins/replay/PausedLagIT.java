package io.jetconnect.plugins.replay;

import static org.awaitility.Awaitility.await;

import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A live tail whose pipeline is paused (its source stopped, its meters kept) while its stream grows: the lag gauge
 * must show the events it has not read, not the 0 it had when it stopped, and the resumed reader takes over.
 */
class PausedLagIT extends StreamServerTest {

    private static double lag(TestContexts contexts) {
        for (String line : contexts.registry().scrape().split("\n")) {
            if (line.startsWith("jetconnect_source_lag_events{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void theLagOfAPausedSourceFollowsTheStream() {
        streams.filled("PAUSED", 100);
        TestContexts contexts = contexts("replay", "stream = PAUSED\nthen = live-tail\nprogress-interval = 1s");
        CollectingChain chain = CollectingChain.immediate();
        ReplaySource source = new ReplaySource();
        source.start(contexts.source(chain));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(100).equals(contexts.cursors().get("PAUSED")));
        await().atMost(Duration.ofSeconds(10)).until(() -> lag(contexts) == 0.0);
        source.stop(); // what a pause does to the source

        streams.publish("PAUSED", 101, 150);
        // Read on demand: the first scrapes start the read, a later one sees the 50 events not read.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> lag(contexts) == 50.0);

        ReplaySource resumed = new ReplaySource();
        resumed.start(contexts.source(chain));
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Long.valueOf(150).equals(contexts.cursors().get("PAUSED")));
            await().atMost(Duration.ofSeconds(10)).until(() -> lag(contexts) == 0.0);
        } finally {
            resumed.stop();
        }
    }
}
