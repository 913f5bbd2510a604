package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.jetconnect.testing.TestContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dlq's promise under refusals, over seeded random schedules: three producers, two of them sharing a subject,
 * post requests of
 * several events back to back and send a whole request again when any of its events is refused, as an HTTP client
 * does after a 503; meanwhile a chaos thread flips the disk between full and not, and the wrapped sink between
 * taking and refusing events, at random moments, with a log small enough to fill. Whatever the interleaving, the
 * wrapped sink must have received every acknowledged event, and, keeping the first copy of each event (the stream
 * drops later ones as duplicates), each producer's events in the order it first sent them. Replay a failing seed
 * with {@code -Djetconnect.seed=N}.
 */
class RefusalOrderScheduleTest {

    /** What each producer was answered, for the message of a failed round. */
    private static final List<String> TRACE = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final int ROUNDS = Integer.getInteger("jetconnect.rounds", 12);
    private static final int SUBJECTS = 3;
    private static final int EVENTS_PER_SUBJECT = 60;

    @TempDir
    Path dir;

    static java.util.stream.LongStream seeds() {
        long base = Long.getLong("jetconnect.seed", System.nanoTime());
        return java.util.stream.LongStream.range(base, base + ROUNDS);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void noEventIsStoredBeforeAnOlderEventOfItsSubjectWhateverTheSchedule(long seed) throws Exception {
        runRound(seed, dir, SUBJECTS, 2, true);
    }

    /**
     * Many producers of one subject and a log that never fills: each time the sink fails a flight of events that
     * raced each other through the layer, the layer must spill them in the order the sink saw them, or the sink,
     * owing the one it saw first, refuses the drainer's first record for ever (found in CI before the layer took
     * a ticket and handed the event over in one step).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void eventsRacingThroughToTheSinkAreSpilledInTheOrderTheSinkSawThem(long seed) throws Exception {
        runRound(seed, dir, 8, 1, false);
    }

    private void runRound(long seed, Path data, int producerCount, int subjects, boolean diskChaos)
            throws Exception {
        Random random = new Random(seed);
        TRACE.clear();
        int frame = new RecordCodec().encode(TestEvents.event(0, "s0")).length;
        TestFiles files = new TestFiles();
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        int frames = diskChaos ? 4 + random.nextInt(12) : producerCount * EVENTS_PER_SUBJECT * 2;
        TestContexts contexts = TestContexts.of("dlq").config(DlqSinkTest.FAST
                + "max-bytes = " + (frame * frames) + "\nsegment-bytes = " + frame
                + "\nretry-after = 1ms\nowed-patience = 60s\n").dataDir(data);
        DlqSink layer = DlqDecorator.open(contexts.sink(), new OrderedSink(inner), files);
        ExecutorService producers = Executors.newFixedThreadPool(producerCount + 1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < producerCount; s++) {
                long producerSeed = random.nextLong();
                String producer = "p" + s;
                String subject = "s" + (s % subjects);
                done.add(producers.submit(() -> produce(layer, producer, subject, new Random(producerSeed))));
            }
            Random chaosRandom = new Random(random.nextLong());
            Future<?> chaos = producers.submit(() -> {
                while (!done.stream().allMatch(Future::isDone)) {
                    files.diskFull = diskChaos && chaosRandom.nextInt(4) == 0;
                    inner.mode(chaosRandom.nextBoolean() ? FakeSink.Mode.ACCEPT : FakeSink.Mode.RETRY);
                    spin(chaosRandom.nextInt(3_000_000));
                }
                files.diskFull = false;
                inner.mode(FakeSink.Mode.ACCEPT);
                return null;
            });
            for (Future<?> f : done) {
                try {
                    f.get(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    String state = "seed " + seed + ": stuck; spilling=" + layer.spilling() + " depth="
                            + layer.log().depth() + " outstanding=" + layer.log().outstanding() + " trace tail "
                            + tail(TRACE) + " offered tail " + tail(inner.offered());
                    throw new AssertionError(state);
                }
            }
            chaos.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !layer.spilling());

            Map<String, List<Integer>> firstCopies = new LinkedHashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            for (CloudEvent event : inner.acceptedEvents()) {
                if (seen.add(event.getId())) {
                    firstCopies.computeIfAbsent(event.getId().substring(0, event.getId().lastIndexOf('-')),
                            k -> new ArrayList<>())
                            .add(Integer.parseInt(event.getId().substring(event.getId().lastIndexOf('-') + 1)));
                }
            }
            for (int n = 0; n < producerCount; n++) {
                int s = n;
                List<Integer> order = firstCopies.getOrDefault("p" + s, List.of());
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_SUBJECT; i++) {
                    expected.add(i);
                }
                assertEquals(expected, order, "seed " + seed + ": producer p" + s
                        + " stored out of order or not at all (first copies, in store order); offered to the sink: "
                        + inner.offered().stream().filter(id -> id.startsWith("p" + s + "-")).limit(60).toList()
                        + " trace " + TRACE.stream().filter(id -> id.startsWith("p" + s + "-")).limit(40).toList());
            }
        } finally {
            producers.shutdownNow();
            layer.halt();
        }
    }

    /** Posts the subject's events in requests of 1 to 8, sending a whole request again until all are taken. */
    private static Void produce(DlqSink layer, String producer, String subject, Random random) {
        int next = 0;
        while (next < EVENTS_PER_SUBJECT) {
            int size = Math.min(1 + random.nextInt(8), EVENTS_PER_SUBJECT - next);
            boolean taken;
            int attempts = 0;
            do {
                List<CompletionStage<Void>> stages = new ArrayList<>();
                for (int i = next; i < next + size; i++) {
                    stages.add(layer.emit(event(producer, subject, i)));
                }
                taken = true;
                for (int j = 0; j < stages.size(); j++) {
                    Throwable t = outcome(stages.get(j));
                    TRACE.add(producer + "-" + (next + j) + ":" + (t == null ? "ok" : t.getMessage()));
                    taken &= t == null;
                }
                assertTrue(++attempts < 100_000, "a request is never taken");
                if (!taken) {
                    spin(random.nextInt(500_000));
                }
            } while (!taken);
            next += size;
        }
        return null;
    }

    /**
     * Keeps the wrapped sink's contract that the random {@link FakeSink} alone breaks: once it fails an event of a
     * subject, it stores no newer event of that subject before that one is offered again (what the jetstream
     * sink's owed events do).
     */
    private static final class OrderedSink implements io.jetconnect.spi.EventSink {
        private final FakeSink inner;
        private final Map<String, String> failed = new java.util.HashMap<>();

        OrderedSink(FakeSink inner) {
            this.inner = inner;
        }

        @Override
        public String orderKey(CloudEvent event) {
            return inner.orderKey(event);
        }

        @Override
        public synchronized CompletionStage<Void> emit(CloudEvent event) {
            String key = orderKey(event);
            String owed = failed.get(key);
            if (owed != null && !owed.equals(event.getId())) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new io.jetconnect.spi.RetriableException("an older event of " + key + " goes first"));
            }
            failed.remove(key);
            CompletionStage<Void> stage = inner.emit(event);
            if (outcome(stage) != null) {
                failed.put(key, event.getId());
            }
            return stage;
        }
    }

    private static CloudEvent event(String producer, String subject, int i) {
        return io.cloudevents.core.builder.CloudEventBuilder.from(TestEvents.event(i, subject))
                .withId(producer + "-" + i).build();
    }

    private static List<String> tail(List<String> live) {
        List<String> copy = new ArrayList<>(live);
        return copy.subList(Math.max(0, copy.size() - 30), copy.size());
    }

    /** Busy-waits up to {@code nanos}: a random pause in a schedule, not a wait for a condition. */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
