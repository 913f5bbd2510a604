package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
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

    private NatsServer nats;

    @AfterEach
    void stop() {
        if (nats != null) {
            nats.close();
        }
    }

    @FaultTest
    void threeBrokerKillsDuringOneLoadLoseDuplicateAndReorderNothing() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawn();
        int port = NatsServer.freePort();
        Path config = FaultPipeline.config(work, work.resolve("data"), port, nats.url(), "FAULT_KILL3", "", "");
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of());
             LoadClient client = new LoadClient(port, 4, 10_000, 200, 100).start()) {
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
            FaultPipeline.awaitSettled(runtime, client, nats.url(), "FAULT_KILL3", Duration.ofSeconds(90));
            Figures figures = Figures.of("broker-kill-x3", client, nats.url(), "FAULT_KILL3")
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .print();
            assertEquals(client.offered.size(), client.acknowledgedCount(), "every offered event was acknowledged");
            assertEquals(0, figures.lost(), figures.line());
            assertEquals(0, figures.duplicated(), figures.line());
            assertEquals(0, figures.reordered(), figures.line());
            assertEquals(0, figures.forged(), figures.line());
            assertEquals(40_000, figures.stored(), figures.line());
            assertTrue(runtime.isAlive(), "the runtime rode out three broker crashes");
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }
}
