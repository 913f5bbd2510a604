package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker outage longer than the stream's duplicate window, with the dlq draining afterwards. Events in flight
 * when the broker dies can be stored without their PubAck reaching the runtime; the dlq re-publishes them after
 * the outage, and once the window has passed {@code Nats-Msg-Id} no longer deduplicates them. The documented
 * mitigation (docs/reliability.md) is a duplicate window at least as long as the longest outage to ride out: the
 * second test shows that with it the same outage stores nothing twice.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DuplicateWindowFaultIT {

    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @TempDir
    Path work;

    private Figures outage(String scenario, String stream, String window, RuntimeCheck check) throws Exception {
        try (FaultBed bed = FaultBed.start(work, stream, ", duplicate-window = " + window, work.resolve("data"), "");
             RuntimeProcess runtime = bed.run();
             LoadClient client = bed.load(4, 6_000, 200, 100).start()) {
            NatsServer nats = bed.nats();
            // Killed at full speed, so that PubAcks are outstanding: the ambiguous publishes.
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 6_000);
            nats.kill();
            long down = System.nanoTime();
            int atKill = client.acknowledgedCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= atKill + 1_000);
            FaultPipeline.awaitElapsed(down, OUTAGE);
            nats.restart();
            client.await(Duration.ofMinutes(2));
            bed.awaitSettled(runtime, client, Duration.ofSeconds(90));
            Figures figures = bed.figures(scenario, client)
                    .with("duplicate_window", window).with("outage", OUTAGE.toSeconds() + "s")
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .with("pubacks_duplicate",
                            (long) FaultPipeline.metric(runtime, "jetconnect_sink_events_total{outcome=\"duplicate\""))
                    .print();
            check.check(runtime);
            assertEquals(0, runtime.terminate(), runtime.output());
            return figures;
        }
    }

    private interface RuntimeCheck {
        void check(RuntimeProcess runtime) throws Exception;
    }

    @FaultTest
    void anOutageLongerThanTheWindowLosesNothingAndDuplicatesOnlyAmbiguousPublishes() throws Exception {
        Figures figures = outage("outage-longer-than-window", "FAULT_DUPWIN_SHORT", "5s", runtime ->
                assertTrue(runtime.output().contains("re-published without Nats-Msg-Id deduplication"),
                        "the runtime warns that a spill can outlast the duplicate window:\n" + runtime.output()));
        assertEquals(0, figures.lost(), figures.line());
        assertEquals(0, figures.reordered(), figures.line());
        assertEquals(0, figures.forged(), figures.line());
        // Only events that were in flight when the broker died can be stored twice: at most max-in-flight of them.
        assertTrue(figures.duplicated() <= 4096, figures.line());
    }

    @FaultTest
    void aWindowLongerThanTheOutageStoresNothingTwice() throws Exception {
        Figures figures = outage("outage-within-window", "FAULT_DUPWIN_LONG", "2m", runtime -> { });
        assertEquals(0, figures.lost(), figures.line());
        assertEquals(0, figures.duplicated(), figures.line());
        assertEquals(0, figures.reordered(), figures.line());
        assertEquals(0, figures.forged(), figures.line());
    }
}
