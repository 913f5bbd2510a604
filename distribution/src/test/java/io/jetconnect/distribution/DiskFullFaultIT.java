package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dlq's disk full while the broker is down and a load goes on: through its {@code max-bytes}, and through a
 * genuinely full 2 MiB tmpfs under {@code data-dir} (needs {@code mount}, as root). Either way the http source
 * answers 503 (backpressure), and every event it acknowledged before is in the stream once after the broker
 * returns.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DiskFullFaultIT {

    @TempDir
    Path work;

    private Path mounted;

    @AfterEach
    void stop() throws Exception {
        if (mounted != null) {
            run("umount", "-l", mounted.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** @param full a filesystem that must be (nearly) full when the 503s come, or null */
    private Figures fill(String scenario, String stream, Path dataDir, String dlqSettings, Path full)
            throws Exception {
        try (FaultBed bed = FaultBed.start(work, stream, "", dataDir, dlqSettings);
             RuntimeProcess runtime = bed.run();
             LoadClient client = bed.load(4, 5_000, 50, 200).start()) {
            NatsServer nats = bed.nats();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 2_000);
            nats.kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.refused.get() >= 20);
            int atFull = client.acknowledgedCount();
            if (full != null) {
                long free = Files.getFileStore(full).getUsableSpace();
                assertTrue(free < 512 * 1024, "the filesystem is full when the 503s come: " + free + " bytes free");
            }
            assertEquals(200, runtime.get("/healthz").statusCode(), "a full spill is backpressure, not a crash");
            assertTrue(runtime.isAlive());
            nats.restart();
            client.await(Duration.ofMinutes(2));
            bed.awaitSettled(runtime, client, Duration.ofSeconds(90));
            Figures figures = bed.figures(scenario, client)
                    .with("refused_503", client.refused.get()).with("acknowledged_when_full", atFull)
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .print();
            FaultBed.assertIntact(client, figures);
            assertEquals(0, runtime.terminate(), runtime.output());
            return figures;
        }
    }

    @FaultTest
    void aFullSpillByMaxBytesGivesBackpressureAndLosesNothing() throws Exception {
        fill("dlq-max-bytes-full", "FAULT_MAXBYTES", work.resolve("data"), ", max-bytes = 512KiB, segment-bytes = 64KiB",
                null);
    }

    @FaultTest
    void aGenuinelyFullFilesystemGivesBackpressureAndLosesNothing() throws Exception {
        Path dir = Files.createDirectories(work.resolve("tiny"));
        boolean canMount = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString());
        Assumptions.assumeTrue(canMount, "mounting a 2 MiB tmpfs is not permitted here (needs root and "
                + "CAP_SYS_ADMIN); the max-bytes variant covers the dlq's backpressure");
        mounted = dir;
        fill("dlq-filesystem-full", "FAULT_ENOSPC", dir.resolve("data"), ", segment-bytes = 256KiB", dir);
    }
}
