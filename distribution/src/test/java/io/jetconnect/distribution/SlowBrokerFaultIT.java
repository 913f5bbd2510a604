package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stalled broker (SIGSTOP: its sockets stay open, nothing answers) under an unthrottled load of 1 KiB events
 * from four clients, more than the runtime's ceiling: the runtime, at {@code -Xmx256m}, stays alive with its heap
 * and resident set bounded, and after SIGCONT every acknowledged event lands.
 */
@Tag("fault")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowBrokerFaultIT {

    private static final long MIB = 1024 * 1024;
    private static final Duration STALL = Duration.ofSeconds(10);

    @TempDir
    Path work;

    private static long rssBytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static long heapBytes(RuntimeProcess runtime) throws Exception {
        double sum = 0;
        for (String l : runtime.get("/metrics").body().split("\n")) {
            if (l.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }

    @FaultTest
    void aStalledBrokerUnderMoreThanTheCeilingKeepsMemoryBoundedAndLosesNothing() throws Exception {
        AtomicLong maxHeap = new AtomicLong();
        AtomicLong maxRss = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (FaultBed bed = FaultBed.start(work, "FAULT_STALL");
             RuntimeProcess runtime = bed.run(Map.of("JETCONNECT_OPTS", "-Xmx256m"));
             LoadClient client = bed.load(4, 30_000, 250, 800)) {
            NatsServer nats = bed.nats();
            long pid = runtime.pid();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    maxRss.accumulateAndGet(rssBytes(pid), Math::max);
                    maxHeap.accumulateAndGet(heapBytes(runtime), Math::max);
                    samples.incrementAndGet();
                } catch (Exception processGone) {
                    // the assertions below notice a dead process
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            client.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 20_000);
            double rate = client.acknowledgedCount() / ((System.nanoTime() - started) / 1e9);
            nats.stop();
            long stalled = System.nanoTime();
            int atStall = client.acknowledgedCount();
            FaultPipeline.awaitElapsed(stalled, STALL);
            int duringStall = client.acknowledgedCount() - atStall;
            assertTrue(runtime.isAlive(), "the runtime survived the stall");
            nats.resume();
            client.await(Duration.ofMinutes(3));
            bed.awaitSettled(runtime, client, Duration.ofSeconds(120));
            sampler.shutdownNow();
            Figures figures = bed.figures("stalled-broker", client)
                    .with("stall", STALL.toSeconds() + "s").with("acknowledged_during_stall", duringStall)
                    .with("events_per_s_before_stall", Math.round(rate))
                    .with("max_heap_mib", maxHeap.get() / MIB).with("max_rss_mib", maxRss.get() / MIB)
                    .with("samples", samples.get())
                    .print();
            assertTrue(samples.get() >= 10, "memory was sampled: " + samples.get());
            assertTrue(maxHeap.get() > 0 && maxHeap.get() < 256 * MIB, figures.line());
            assertTrue(maxRss.get() > 0 && maxRss.get() < 600 * MIB, figures.line());
            assertTrue(runtime.isAlive(), "the runtime stayed alive");
            FaultBed.assertIntact(client, figures);
            assertEquals(0, runtime.terminate(), runtime.output());
        } finally {
            sampler.shutdownNow();
        }
    }
}
