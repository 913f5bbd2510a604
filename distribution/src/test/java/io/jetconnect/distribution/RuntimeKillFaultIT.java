package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime killed with SIGKILL during a load and started again on the same data-dir and config: every event
 * the http source answered 202 for is in the stream exactly once. Requests that got no answer are re-sent by the
 * client, as a producer would, and counted as {@code unanswered}.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RuntimeKillFaultIT {

    @TempDir
    Path work;

    @FaultTest
    void everyEventAnswered202BeforeAKillOfTheRuntimeIsStoredExactlyOnce() throws Exception {
        try (FaultBed bed = FaultBed.start(work, "FAULT_RTKILL");
             LoadClient client = bed.load(4, 10_000, 200, 100)) {
            int atKill;
            try (RuntimeProcess first = bed.run()) {
                client.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 10_000);
                first.kill();
                atKill = client.acknowledgedCount();
            }
            long ackedBeforeKill = atKill;
            try (RuntimeProcess second = bed.run()) {
                client.await(Duration.ofMinutes(2));
                bed.awaitSettled(second, client, Duration.ofSeconds(90));
                Figures figures = bed.figures("runtime-kill", client)
                        .with("acknowledged_before_kill", ackedBeforeKill)
                        .with("unanswered", client.unanswered.size())
                        .print();
                FaultBed.assertIntact(client, figures);
                assertEquals(40_000, figures.stored(), figures.line());
                assertEquals(0, second.terminate(), second.output());
            }
        }
    }
}
