package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Spill and drain rates of the {@code dlq} layer with 1 KiB events, median of 3 runs: spill with the wrapped sink
 * always failing retriably (one emitting thread, all stages outstanding, default {@code fsync = batch}), then
 * drain into a sink that takes every event at once. Run from the repository root:
 *
 * <pre>
 * ./mvnw -q -pl plugins/dlq test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jetconnect.plugins.dlq.DlqThroughput [-Dexec.args="100000 batch"]
 * </pre>
 */
public final class DlqThroughput {

    private DlqThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String fsync = args.length > 1 ? args[1] : "batch";
        List<CloudEvent> batch = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            batch.add(TestEvents.event(i, 1024));
        }
        int frame = new RecordCodec().encode(batch.get(0)).length;
        double[] spill = new double[3];
        double[] drain = new double[3];
        for (int run = 0; run < 3; run++) {
            Path dir = Files.createTempDirectory("dlq-throughput-");
            try {
                spill[run] = spill(dir, batch, fsync);
                drain[run] = drain(dir, events, fsync);
            } finally {
                delete(dir);
            }
            System.out.printf("run %d: spill %,.0f events/s, drain %,.0f events/s%n", run + 1, spill[run],
                    drain[run]);
        }
        System.out.printf("%,d events of 1 KiB data (%d-byte records), fsync = %s: median spill %,.0f events/s"
                        + " (%.1f MiB/s), median drain %,.0f events/s%n", events, frame, fsync, median(spill),
                median(spill) * frame / (1 << 20), median(drain));
    }

    private static TestContexts contexts(Path dir, String fsync) {
        return TestContexts.of("dlq").pipeline("bench").dataDir(dir)
                .config("fsync = " + fsync + "\nmax-bytes = 16GiB\nclose-timeout = 30s");
    }

    private static double spill(Path dir, List<CloudEvent> batch, String fsync) {
        EventSink failing = e -> CompletableFuture.failedFuture(new RetriableException("broker gone"));
        DlqSink layer = DlqDecorator.open(contexts(dir, fsync).sink(), failing, FileOps.REAL);
        try {
            long start = System.nanoTime();
            List<CompletableFuture<Void>> stages = new ArrayList<>(batch.size());
            for (CloudEvent event : batch) {
                stages.add(layer.emit(event).toCompletableFuture());
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).join();
            return batch.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            layer.close();
        }
    }

    private static double drain(Path dir, int events, String fsync) throws InterruptedException {
        CountDownLatch taken = new CountDownLatch(events);
        EventSink accepting = e -> {
            taken.countDown();
            return CompletableFuture.completedFuture(null);
        };
        long start = System.nanoTime();
        DlqSink layer = DlqDecorator.open(contexts(dir, fsync).sink(), accepting, FileOps.REAL);
        try {
            if (!taken.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("drain did not finish");
            }
            return events / ((System.nanoTime() - start) / 1e9);
        } finally {
            layer.close();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
