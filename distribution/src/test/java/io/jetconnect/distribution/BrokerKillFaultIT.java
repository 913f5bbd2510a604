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
 * The broker killed with SIGKILL and restarted three times during one load: every acknowledged event is in the
 * stream once, in per-subject order.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerKillFaultIT {

    @TempDir
    Path work;

    @FaultTest
    void threeBrokerKillsDuringOneLoadLoseDuplicateAndReorderNothing() throws Exception {
        try (FaultBed bed = FaultBed.start(work, "FAULT_KILL3");
             RuntimeProcess runtime = bed.run();
             LoadClient client = bed.load(4, 10_000, 200, 100).start()) {
            NatsServer nats = bed.nats();
            for (int cycle = 0; cycle < 3; cycle++) {
                int before = client.acknowledgedCount();
                await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= before + 3_000);
                nats.kill();
                int atKill = client.acknowledgedCount();
                // The broker is dead: intake goes on into the spill log.
                await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= atKill + 1_000);
                nats.restart();
            }
            client.await(Duration.ofMinutes(2));
            bed.awaitSettled(runtime, client, Duration.ofSeconds(90));
            Figures figures = bed.figures("broker-kill-x3", client)
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .print();
            FaultBed.assertIntact(client, figures);
            assertEquals(40_000, figures.stored(), figures.line());
            assertTrue(runtime.isAlive(), "the runtime rode out three broker crashes");
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }
}
