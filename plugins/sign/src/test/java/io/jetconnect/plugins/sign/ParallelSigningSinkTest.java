package io.jetconnect.plugins.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParallelSigningSinkTest {

    private static final byte[] SEED = new byte[32];
    private static final Ed25519Key KEY = Ed25519Key.ofPrivate("k", SEED);

    private static ParallelSigningSink layer(SignDecoratorTest.RecordingSink next, ExecutorService workers) {
        PluginMetrics.Counter counter = TestContexts.of("sign").sink().metrics().counter("t", "t");
        return new ParallelSigningSink(new EventSigner(KEY), counter, next, workers);
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
