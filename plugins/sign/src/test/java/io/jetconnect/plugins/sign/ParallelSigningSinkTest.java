package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.spi.Setting;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParallelSigningSinkTest {

    private static final byte[] SEED = new byte[32];
    private static final Ed25519Key KEY = Ed25519Key.ofPrivate("k", SEED);

    private static ParallelSigningSink layer(SignDecoratorTest.RecordingSink next, ExecutorService workers) {
        return layer(new EventSigner(KEY), next, workers, 65536);
    }

    private static ParallelSigningSink layer(EventSigner signer, EventSink next, Executor workers, int maxQueued) {
        PluginMetrics.Counter counter = TestContexts.of("sign").sink().metrics().counter("t", "t");
        ExecutorService pool = workers instanceof ExecutorService service ? service : new ManualPool(workers);
        return new ParallelSigningSink(signer, counter, next, pool, maxQueued, Duration.ofMillis(1500));
    }

    @Test
    void signaturesOnManyThreadsReachTheNextSinkInEmitOrder() {
        SignDecoratorTest.RecordingSink next = new SignDecoratorTest.RecordingSink();
        ParallelSigningSink layer = layer(next, Executors.newFixedThreadPool(4));
        try {
            List<CompletableFuture<Void>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                outcomes.add(layer.emit(TestEvents.json(Integer.toString(i))).toCompletableFuture());
            }
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        } finally {
            layer.close();
        }
        KeyRing ring = new KeyRing(List.of(Ed25519Key.ofPublic("k", KEY.publicKey())));
        int expected = 0;
        for (CloudEvent e : next.events) {
            assertEquals(Integer.toString(expected++), e.getId(), "out of order");
            assertEquals(Verification.VALID, ring.verify(e));
        }
        assertEquals(2000, expected);
    }

    /**
     * Seeded schedules on one thread: events emitted, signing tasks run and the next sink's stages completed in a
     * random interleaving, with events that cannot be signed, a next sink that fails or throws, and a small
     * {@code max-queued}. The next sink must see the signable events in emit order, every stage must complete with
     * its own outcome, and an emit must fail as backpressure exactly when {@code max-queued} events wait.
     */
    @Test
    void randomSchedulesPassEventsOnInEmitOrderWithTheirOwnOutcomes() {
        EventSigner signer = new EventSigner(new HmacKey("h", new byte[32]));
        for (long seed = 1; seed <= 2000; seed++) {
            runSchedule(seed, signer);
        }
    }

    private static void runSchedule(long seed, EventSigner signer) {
        Random random = new Random(seed);
        String where = "seed " + seed;
        int events = 1 + random.nextInt(40);
        int maxQueued = 1 + random.nextInt(8);
        List<Runnable> tasks = new ArrayList<>();
        ScheduledSink next = new ScheduledSink(random);
        ParallelSigningSink layer = layer(signer, next, tasks::add, maxQueued);

        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        List<String> expectedOrder = new ArrayList<>();
        Map<String, String> expectedFailure = new HashMap<>();
        // The model of the window: emitted ids not passed on yet, and whether each is signed (or failed to be).
        List<String> waiting = new ArrayList<>();
        Set<String> settled = new HashSet<>();
        Map<Runnable, String> taskIds = new HashMap<>();
        int emitted = 0;
        while (emitted < events || !tasks.isEmpty() || !next.open.isEmpty()) {
            int step = random.nextInt(3);
            if (step == 0 && emitted < events) {
                String id = Integer.toString(emitted++);
                boolean broken = random.nextInt(8) == 0;
                CompletableFuture<Void> outcome = layer.emit(broken ? unreadable(id) : TestEvents.json(id))
                        .toCompletableFuture();
                outcomes.add(outcome);
                if (waiting.size() == maxQueued) {
                    CompletionException e = assertThrows(CompletionException.class, outcome::join, where);
                    assertInstanceOf(BackpressureException.class, e.getCause(), where);
                    expectedFailure.put(id, "waiting for their signature");
                    continue;
                }
                taskIds.put(tasks.get(tasks.size() - 1), id);
                waiting.add(id);
                if (broken) {
                    expectedFailure.put(id, "cannot sign event " + id);
                } else {
                    expectedOrder.add(id);
                }
            } else if (step == 1 && !tasks.isEmpty()) {
                Runnable task = tasks.remove(random.nextInt(tasks.size()));
                settled.add(taskIds.get(task));
                task.run();
                while (!waiting.isEmpty() && settled.contains(waiting.get(0))) {
                    waiting.remove(0);
                }
            } else if (step == 2 && !next.open.isEmpty()) {
                next.completeOne();
            }
        }
        expectedFailure.putAll(next.failures);
        assertEquals(expectedOrder, next.received, where + ": the next sink's order");
        for (int i = 0; i < outcomes.size(); i++) {
            String id = Integer.toString(i);
            CompletableFuture<Void> outcome = outcomes.get(i);
            assertTrue(outcome.isDone(), where + ": event " + id + " never completed");
            String failure = expectedFailure.get(id);
            if (failure == null) {
                assertNull(outcome.join(), where);
            } else {
                CompletionException e = assertThrows(CompletionException.class, outcome::join, where);
                assertTrue(e.getCause().getMessage().contains(failure),
                        where + ": event " + id + " failed with " + e.getCause() + ", not " + failure);
            }
        }
    }

    @Test
    void anEventThatCannotBeSignedFailsAloneAndDoesNotHoldUpTheOthers() {
        SignDecoratorTest.RecordingSink next = new SignDecoratorTest.RecordingSink();
        ParallelSigningSink layer = layer(next, Executors.newFixedThreadPool(2));
        try {
            CompletableFuture<Void> first = layer.emit(TestEvents.json("1")).toCompletableFuture();
            CompletableFuture<Void> broken = layer.emit(unreadable("2"))
                    .toCompletableFuture();
            CompletableFuture<Void> third = layer.emit(TestEvents.json("3")).toCompletableFuture();
            third.orTimeout(30, TimeUnit.SECONDS).join();
            first.join();
            CompletionException e = assertThrows(CompletionException.class, broken::join);
            assertInstanceOf(JetconnectException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("cannot sign event 2"), e.getCause().getMessage());
            assertEquals(List.of("1", "3"), next.events.stream().map(CloudEvent::getId).toList());
        } finally {
            layer.close();
        }
    }

    @Test
    void theNextSinksOutcomePassesThrough() {
        SignDecoratorTest.RecordingSink next = new SignDecoratorTest.RecordingSink();
        RetriableException away = new RetriableException("broker away");
        next.answer = CompletableFuture.failedFuture(away);
        ParallelSigningSink layer = layer(next, Executors.newFixedThreadPool(2));
        try {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> layer.emit(TestEvents.json("1")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
                            .join());
            assertSame(away, e.getCause());
        } finally {
            layer.close();
        }
    }

    @Test
    void laterEventsWaitForAnEarlierSlowSignature() throws Exception {
        SignDecoratorTest.RecordingSink next = new SignDecoratorTest.RecordingSink();
        CountDownLatch release = new CountDownLatch(1);
        ParallelSigningSink layer = layer(next, Executors.newFixedThreadPool(2));
        try {
            CompletableFuture<Void> slow = layer.emit(held("1", release))
                    .toCompletableFuture();
            CompletableFuture<Void> fast = layer.emit(TestEvents.json("2")).toCompletableFuture();
            assertThrows(java.util.concurrent.TimeoutException.class, () -> fast.get(300, TimeUnit.MILLISECONDS));
            assertTrue(next.events.isEmpty(), "event 2 overtook event 1");
            release.countDown();
            fast.get(30, TimeUnit.SECONDS);
            slow.get(30, TimeUnit.SECONDS);
            assertEquals(List.of("1", "2"), next.events.stream().map(CloudEvent::getId).toList());
        } finally {
            layer.close();
        }
    }

    @Test
    void afterCloseAnEmitFailsInsteadOfHanging() {
        ParallelSigningSink layer = layer(new SignDecoratorTest.RecordingSink(), Executors.newFixedThreadPool(1));
        layer.close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> layer.emit(TestEvents.json("1")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join());
        assertInstanceOf(JetconnectException.class, e.getCause());
    }

    @Test
    void aFullLayerAsksForTheConfiguredWait() {
        List<Runnable> tasks = new ArrayList<>();
        ParallelSigningSink layer = layer(new EventSigner(KEY), new SignDecoratorTest.RecordingSink(), tasks::add, 1);
        layer.emit(TestEvents.json("1"));
        CompletionException e = assertThrows(CompletionException.class,
                () -> layer.emit(TestEvents.json("2")).toCompletableFuture().join());
        BackpressureException full = assertInstanceOf(BackpressureException.class, e.getCause());
        assertEquals(Duration.ofMillis(1500), full.retryAfter());
    }

    @Test
    void retryAfterSetting() {
        assertEquals(Duration.ofSeconds(1), setting("", SignSettings.RETRY_AFTER));
        assertEquals(Duration.ofMillis(200), setting("retry-after = 200ms", SignSettings.RETRY_AFTER));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> setting("retry-after = -1s", SignSettings.RETRY_AFTER));
        assertTrue(e.getMessage().contains("retry-after"), e.getMessage());
    }

    @Test
    void maxQueuedSetting() {
        assertEquals(65536, setting("", SignSettings.MAX_QUEUED));
        assertEquals(1, setting("max-queued = 1", SignSettings.MAX_QUEUED));
        for (String bad : List.of("0", "-1", "1048577")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> setting("max-queued = " + bad, SignSettings.MAX_QUEUED));
            assertTrue(e.getMessage().contains("max-queued"), e.getMessage());
        }
    }

    private static <T> T setting(String hocon, Setting<T> setting) {
        return TestContexts.of("sign").config(hocon).connectorConfig().get(setting);
    }

    @Test
    void threadsSetting() {
        assertEquals(4, threads("auto", SignatureAlgorithm.ED25519, 8));
        assertEquals(2, threads("auto", SignatureAlgorithm.ED25519, 2));
        assertEquals(0, threads("auto", SignatureAlgorithm.HMAC_SHA256, 8));
        assertEquals(3, threads("3", SignatureAlgorithm.HMAC_SHA256, 8));
        assertEquals(0, threads("0", SignatureAlgorithm.ED25519, 8));
        for (String bad : List.of("-1", "65", "many")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> threads(bad, SignatureAlgorithm.ED25519, 2));
            assertTrue(e.getMessage().contains("threads"), e.getMessage());
        }
    }

    private static int threads(String value, SignatureAlgorithm algorithm, int cores) {
        return SignSettings.threads(TestContexts.of("sign").config("threads = \"" + value + "\"").connectorConfig(),
                algorithm, cores);
    }

    /**
     * A next sink whose stages stay open until the schedule completes them: successfully, with a retriable
     * failure, or (at emit) by throwing.
     */
    private static final class ScheduledSink implements EventSink {
        final List<String> received = new ArrayList<>();
        final List<String> open = new ArrayList<>();
        final Map<String, CompletableFuture<Void>> stages = new HashMap<>();
        /** The failure each failed event's stage must carry, by id. */
        final Map<String, String> failures = new HashMap<>();
        private final Random random;

        ScheduledSink(Random random) {
            this.random = random;
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            received.add(event.getId());
            if (random.nextInt(10) == 0) {
                failures.put(event.getId(), "next sink threw on " + event.getId());
                throw new IllegalStateException("next sink threw on " + event.getId());
            }
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.put(event.getId(), stage);
            open.add(event.getId());
            return stage;
        }

        /** Completes a random open stage. */
        void completeOne() {
            String id = open.remove(random.nextInt(open.size()));
            if (random.nextInt(5) == 0) {
                failures.put(id, "broker away from " + id);
                stages.get(id).completeExceptionally(new RetriableException("broker away from " + id));
            } else {
                stages.get(id).complete(null);
            }
        }
    }

    /** Runs tasks as the test says: an executor service for the layer over a plain executor. */
    private static final class ManualPool extends java.util.concurrent.AbstractExecutorService {
        private final Executor tasks;

        ManualPool(Executor tasks) {
            this.tasks = tasks;
        }

        @Override
        public void execute(Runnable command) {
            tasks.execute(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }

    /** An event whose data cannot be read: signing it fails. */
    private static CloudEvent unreadable(String id) {
        return TestEvents.builder(id).withData("application/json", (CloudEventData) () -> {
            throw new IllegalStateException("data unavailable");
        }).build();
    }

    /** An event whose data is handed out only once a latch opens: its signature takes as long as the test wants. */
    private static CloudEvent held(String id, CountDownLatch release) {
        return TestEvents.builder(id).withData("application/json", (CloudEventData) () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }).build();
    }
}
