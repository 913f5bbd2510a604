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
 * The runtime killed with SIGKILL during a load and started again on the same data-dir and config: every event
 * the http source answered 202 for is in the stream exactly once. Requests that got no answer are re-sent by the
 * client, as a producer would, and counted as {@code unanswered}.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RuntimeKillFaultIT {

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
    void everyEventAnswered202BeforeAKillOfTheRuntimeIsStoredExactlyOnce() throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        nats = NatsServer.spawn();
        int port = NatsServer.freePort();
        Path config = FaultPipeline.config(work, work.resolve("data"), port, nats.url(), "FAULT_RTKILL", "", "");
        try (LoadClient client = new LoadClient(port, 4, 10_000, 200, 100)) {
            int atKill;
            try (RuntimeProcess first = RuntimeProcess.run(work, config, port, Map.of())) {
                client.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 10_000);
                first.kill();
                atKill = client.acknowledgedCount();
            }
            long ackedBeforeKill = atKill;
            try (RuntimeProcess second = RuntimeProcess.run(work, config, port, Map.of())) {
                client.await(Duration.ofMinutes(2));
                FaultPipeline.awaitSettled(second, client, nats.url(), "FAULT_RTKILL", Duration.ofSeconds(90));
                Figures figures = Figures.of("runtime-kill", client, nats.url(), "FAULT_RTKILL")
                        .with("acknowledged_before_kill", ackedBeforeKill)
                        .with("unanswered", client.unanswered.size())
                        .print();
                assertEquals(client.offered.size(), client.acknowledgedCount());
                assertEquals(0, figures.lost(), figures.line());
                assertEquals(0, figures.duplicated(), figures.line());
                assertEquals(0, figures.reordered(), figures.line());
                assertEquals(0, figures.forged(), figures.line());
                assertEquals(40_000, figures.stored(), figures.line());
                assertEquals(0, second.terminate(), second.output());
            }
        }
    }
}
