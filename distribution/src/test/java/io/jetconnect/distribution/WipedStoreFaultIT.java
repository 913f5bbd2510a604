package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.nats.client.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker killed with SIGKILL during a load and restarted with its JetStream store wiped: the runtime creates
 * the declared stream again and goes on. What the wipe destroyed (events published before it) is gone; every
 * event acknowledged after the kill (spilled, then drained, or published to the new stream) is in the stream
 * once, and per-subject order holds among what is stored.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WipedStoreFaultIT {

    @TempDir
    Path work;

    @FaultTest
    void aBrokerBackWithoutItsStoreGetsTheStreamAgainAndEverythingAcknowledgedSince() throws Exception {
        try (FaultBed bed = FaultBed.start(work, "FAULT_WIPE");
             RuntimeProcess runtime = bed.run();
             LoadClient client = bed.load(4, 5_000, 200, 100).start()) {
            NatsServer nats = bed.nats();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 4_000);
            nats.kill();
            // Taken once the broker is dead: an event posted after this (not yet offered) can only be acknowledged
            // by the spill or the new stream, and must be there. An event offered before may have been stored by
            // the old stream and answered 202 only now: the wipe may have taken it.
            Set<String> offeredBeforeWipe = new HashSet<>(client.offered);
            nats.wipeStore();
            int atKill = client.acknowledgedCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= atKill + 1_000);
            nats.restart();

            client.await(Duration.ofMinutes(2));
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> FaultPipeline.metric(runtime, "jetconnect_dlq_events{") == 0
                            && FaultPipeline.streamCount(nats.url(), "FAULT_WIPE")
                            >= client.acknowledged.stream().filter(id -> !offeredBeforeWipe.contains(id)).count());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("not settled: dlq=" + FaultPipeline.metric(runtime, "jetconnect_dlq_events{")
                        + " stored=" + FaultPipeline.streamCount(nats.url(), "FAULT_WIPE") + "\n"
                        + runtime.output().lines().filter(l -> !l.contains("DEBUG")).skip(0)
                        .reduce("", (a, b) -> a.length() > 20_000 ? a : a + "\n" + b), e);
            }
            List<Message> stored = StreamReader.readAll(nats.url(), "FAULT_WIPE");
            Set<String> storedIds = new HashSet<>();
            stored.forEach(m -> storedIds.add(StreamReader.eventId(m)));
            long acknowledgedAfter = client.acknowledged.stream()
                    .filter(id -> !offeredBeforeWipe.contains(id)).count();
            long lostAfter = client.acknowledged.stream()
                    .filter(id -> !offeredBeforeWipe.contains(id) && !storedIds.contains(id)).count();
            Figures figures = bed.figures("wiped-store", client)
                    .with("offered_before_wipe", offeredBeforeWipe.size())
                    .with("acknowledged_after_wipe", acknowledgedAfter)
                    .with("lost_after_wipe", lostAfter)
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .print();
            assertEquals(client.offered.size(), client.acknowledgedCount(), "every offered event was acknowledged");
            assertTrue(acknowledgedAfter > 0, figures.line());
            assertEquals(0, lostAfter, figures.line());
            assertEquals(0, figures.duplicated(), figures.line());
            assertEquals(0, figures.reordered(), figures.line());
            assertEquals(0, figures.forged(), figures.line());
            assertTrue(runtime.output().contains("created it again"), "the runtime re-created the stream");
            assertTrue(runtime.isAlive(), "the runtime rode out the lost store");
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }
}
