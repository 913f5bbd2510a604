package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Drainer} over seeded random schedules: thousands of spilled records drained into a sink that decides
 * each event as it is offered (stored, refused for now, or rejected for good) and completes its stage later, in
 * random order, from several threads. The sink keeps the jetstream sink's contract (once it refuses an event, it
 * stores nothing newer before that one is offered again), so any reordering is the drainer's. Whatever the
 * interleaving, the first copies the sink stored must be in log order, every record must be either stored or
 * quarantined exactly once and in order, and the log must end empty. Replay a failing seed with
 * {@code -Djetconnect.seed=N}; {@code -Djetconnect.rounds=N} runs more schedules.
 */
class DrainerScheduleTest {

    private static final int ROUNDS = Integer.getInteger("jetconnect.rounds", 4);
    private static final int RECORDS = 2_500;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    static LongStream seeds() {
        long base = Long.getLong("jetconnect.seed", System.nanoTime());
        return LongStream.range(base, base + ROUNDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyRecordIsStoredOrQuarantinedOnceAndInLogOrderWhateverTheSchedule(long seed) throws Exception {
        Random random = new Random(seed);
        int frame = new RecordCodec().encode(event(0)).length;
        int inFlight = 1 + random.nextInt(96);
        Set<String> poison = new HashSet<>();
        List<String> expectedStored = new ArrayList<>();
        List<String> expectedQuarantined = new ArrayList<>();
        double poisonRate = random.nextDouble() * 0.01;
        for (int i = 0; i < RECORDS; i++) {
            String id = TestEvents.id(i);
            if (random.nextDouble() < poisonRate) {
                poison.add(id);
                expectedQuarantined.add(id);
            } else {
                expectedStored.add(id);
            }
        }
        ScheduledExecutorService completions = Executors.newScheduledThreadPool(3);
        ScheduleSink sink = new ScheduleSink(new Random(random.nextLong()), poison, random.nextDouble() * 0.03,
                completions);
        TestContexts contexts = TestContexts.of("dlq").config(DlqSinkTest.FAST + "drain.in-flight = " + inFlight
                + "\nsegment-bytes = " + (frame * (3 + random.nextInt(200))) + "\n").dataDir(dir);
        DlqSink layer = DlqDecorator.open(contexts.sink(), sink, new TestFiles());
        String context = "seed " + seed + " (in-flight " + inFlight + ", refusal rate " + sink.refusalRate
                + ", poison " + poison.size() + ")";
        try {
            List<CompletionStage<Void>> spilled = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                spilled.add(layer.emit(event(i)));
            }
            for (CompletionStage<Void> stage : spilled) {
                assertNull(outcome(stage), context + ": every event is spilled");
            }
            Instant deadline = Instant.now().plusSeconds(19);
            sink.open = true;
            layer.drainNow();
            await().atMost(Duration.ofSeconds(20)).alias(context).until(() -> !layer.spilling()
                    || fail(context + ": the drain does not end: depth " + layer.log().depth() + ", outstanding "
                    + layer.log().outstanding() + ", sink offered " + sink.offered + " refused " + sink.refusals
                    + " stored " + sink.stored.size() + " owed " + sink.owed, Instant.now().isAfter(deadline)));

            List<String> firstCopies = new ArrayList<>(new LinkedHashSet<>(sink.stored));
            assertEquals(expectedStored, firstCopies, context + ": first copies stored out of log order");
            assertEquals(expectedQuarantined, quarantined(), context + ": quarantined out of order or not once");
            assertEquals(0, layer.log().depth(), context + ": records left in the log");
            assertEquals(0, layer.log().outstanding(), context + ": records outstanding");
            await().atMost(Duration.ofSeconds(10)).until(() -> segments().isEmpty());
        } finally {
            layer.halt();
            completions.shutdownNow();
        }
        assertTrue(sink.refusals > 0 || sink.offered == expectedStored.size() + expectedQuarantined.size(),
                "a schedule without refusals offers each record once");
    }

    /** @return false, or fails with {@code message} once {@code late}: says where the drain stands */
    private static boolean fail(String message, boolean late) {
        if (late) {
            throw new AssertionError(message);
        }
        return false;
    }

    private List<String> quarantined() throws IOException {
        Path file = dir.resolve("dlq").resolve(Quarantine.FILE);
        List<String> ids = new ArrayList<>();
        if (!Files.exists(file)) {
            return ids;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode node = MAPPER.readTree(line);
            assertEquals("drain", node.get("origin").asText(), line);
            ids.add(node.get("event").get("id").asText());
        }
        return ids;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("dlq"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
    }

    private static CloudEvent event(int i) {
        return TestEvents.event(i, 120);
    }

    /**
     * Decides each offered event at once, as a server that stores in arrival order would, and completes its stage
     * later: inline, or after a random delay on one of several threads. Once it refuses an event, it refuses every
     * newer one until that one is offered again (older ones, sent again after a rewind, go through). Closed, it
     * refuses everything at once.
     */
    private static final class ScheduleSink implements EventSink {
        final List<String> stored = new CopyOnWriteArrayList<>();
        volatile boolean open;
        int refusals;
        int offered;
        private final Random random;
        private final Set<String> poison;
        private final double refusalRate;
        private final ScheduledExecutorService completions;
        /** The refused event nothing newer may be stored before. */
        private volatile String owed;

        ScheduleSink(Random random, Set<String> poison, double refusalRate, ScheduledExecutorService completions) {
            this.random = random;
            this.poison = poison;
            this.refusalRate = refusalRate;
            this.completions = completions;
        }

        @Override
        public synchronized CompletionStage<Void> emit(CloudEvent event) {
            String id = event.getId();
            if (!open) {
                return CompletableFuture.failedFuture(new RetriableException("broker down"));
            }
            offered++;
            Throwable failure = null;
            int index = Integer.parseInt(id.substring(id.indexOf('-') + 1));
            String refused = owed;
            if (refused != null && index > Integer.parseInt(refused.substring(refused.indexOf('-') + 1))) {
                failure = new RetriableException("an older event goes first");
            } else if (random.nextDouble() < refusalRate) {
                owed = id;
                refusals++;
                failure = new RetriableException("connection lost");
            } else {
                if (id.equals(refused)) {
                    owed = null;
                }
                if (poison.contains(id)) {
                    failure = new JetconnectException("rejected by the stream");
                } else {
                    stored.add(id);
                }
            }
            CompletableFuture<Void> stage = new CompletableFuture<>();
            Throwable outcome = failure;
            Runnable complete = () -> {
                if (outcome == null) {
                    stage.complete(null);
                } else {
                    stage.completeExceptionally(outcome);
                }
            };
            int how = random.nextInt(8);
            if (how == 0) {
                complete.run();
            } else {
                completions.schedule(complete, random.nextInt(how * 100), TimeUnit.MICROSECONDS);
            }
            return stage;
        }
    }
}
