package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NatsServerExtension.class)
class KvCursorStoreIT {

    private static NatsSettings settings(String url) {
        return NatsSettings.builder(url).connectionName("kv-test").build();
    }

    @Test
    void storesAcrossConnectionsAndScopesByPipeline(NatsServer nats) throws Exception {
        try (KvCursorStore a = new KvCursorStore(settings(nats.url()), "alpha")) {
            assertEquals(OptionalLong.empty(), a.load("EVENTS"));
            a.store("EVENTS", 41);
            a.store("EVENTS", 42);
        }
        try (KvCursorStore again = new KvCursorStore(settings(nats.url()), "alpha");
             KvCursorStore other = new KvCursorStore(settings(nats.url()), "beta")) {
            assertEquals(OptionalLong.of(42), again.load("EVENTS"));
            assertEquals(OptionalLong.empty(), other.load("EVENTS"));
        }
        assertEquals("42", raw(nats, "alpha.EVENTS"), "without a lease, a plain position as before");
    }

    /**
     * A lease with a fixed token whose check can freeze its worker after saying yes: a holder stopped (SIGSTOP, a
     * pause of the JVM, a partition) between the lease's check and the cursor write.
     */
    private static final class FrozenLease implements SourceLeases.SourceLease {
        final long token;
        volatile CountDownLatch frozen;
        final CountDownLatch thaw = new CountDownLatch(1);

        FrozenLease(long token) {
            this.token = token;
        }

        @Override
        public boolean holds() {
            return true;
        }

        @Override
        public boolean verify() {
            CountDownLatch f = frozen;
            if (f != null) {
                f.countDown();
                try {
                    assertTrue(thaw.await(30, TimeUnit.SECONDS), "never thawed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public boolean confirm() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    private static String raw(NatsServer nats, String key) throws Exception {
        try (Connection nc = Nats.connect(nats.url())) {
            return new String(nc.keyValue(KvCursorStore.BUCKET).get(key).getValue(), StandardCharsets.US_ASCII);
        }
    }

    private static void putRaw(NatsServer nats, String key, String value) throws Exception {
        try (Connection nc = Nats.connect(nats.url())) {
            KeyValue kv = nc.keyValue(KvCursorStore.BUCKET);
            kv.put(key, value.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aHolderFrozenAfterItsLeaseCheckCannotWriteOnceTheNextHolderClaimedTheCursor(NatsServer nats)
            throws Exception {
        FrozenLease first = new FrozenLease(5);
        FrozenLease second = new FrozenLease(9);
        try (KvCursorStore a = new KvCursorStore(settings(nats.url()), "copy", first);
             KvCursorStore b = new KvCursorStore(settings(nats.url()), "copy", second)) {
            assertEquals(OptionalLong.empty(), a.load("EVENTS"));
            assertEquals("@5", raw(nats, "copy.EVENTS"), "claimed before any position");
            a.store("EVENTS", 10);
            first.frozen = new CountDownLatch(1);
            CompletableFuture<Void> late = CompletableFuture.runAsync(() -> a.store("EVENTS", 20));
            assertTrue(first.frozen.await(30, TimeUnit.SECONDS));

            assertEquals(OptionalLong.of(10), b.load("EVENTS"));
            assertEquals("10@9", raw(nats, "copy.EVENTS"), "claimed at the same position");
            b.store("EVENTS", 15);
            first.thaw.countDown();

            Exception e = assertThrows(Exception.class, () -> late.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof RetriableException, e.toString());
            assertTrue(e.getCause().getMessage().contains("another worker holds the lease of pipeline copy"),
                    e.getCause().getMessage());
            assertEquals("15@9", raw(nats, "copy.EVENTS"));
            assertThrows(RetriableException.class, () -> a.load("EVENTS"), "nor can it claim the cursor back");
            assertEquals(java.util.Map.of("EVENTS", 15L), a.all(), "listing reads, never claims");
        }
    }

    @Test
    void aPlainValueReadsAsTokenZeroAndTheHoldersResetsLand(NatsServer nats) throws Exception {
        putRaw(nats, "reset.EVENTS", "12345");
        try (KvCursorStore holder = new KvCursorStore(settings(nats.url()), "reset", new FrozenLease(3))) {
            assertEquals(OptionalLong.of(12345), holder.load("EVENTS"));
            assertEquals("12345@3", raw(nats, "reset.EVENTS"));
            holder.store("EVENTS", 12400);
            // An operator's reset through the admin API goes through the holder's own store: back is allowed.
            holder.store("EVENTS", 100);
            assertEquals("100@3", raw(nats, "reset.EVENTS"));
            // One written by hand, without a token, moves the key: the holder reads it and writes again.
            putRaw(nats, "reset.EVENTS", "50");
            holder.store("EVENTS", 120);
            assertEquals("120@3", raw(nats, "reset.EVENTS"));
            assertEquals(java.util.Map.of("EVENTS", 120L), holder.all());
        }
        try (KvCursorStore single = new KvCursorStore(settings(nats.url()), "reset")) {
            assertEquals(OptionalLong.of(120), single.load("EVENTS"), "a runtime without a lease reads it too");
        }
    }

    @Test
    void aSourceNeverWritesOverAHandWrittenCursorNorAfterItsStop(NatsServer nats) throws Exception {
        java.util.concurrent.atomic.AtomicInteger reclaims = new java.util.concurrent.atomic.AtomicInteger();
        try (KvCursorStore store = new KvCursorStore(settings(nats.url()), "hand", new FrozenLease(3),
                reclaims::incrementAndGet)) {
            io.jetconnect.spi.CursorStore source = store.session();
            assertEquals(OptionalLong.empty(), source.load("EVENTS"));
            source.store("EVENTS", 40);
            putRaw(nats, "hand.EVENTS", "7");
            assertThrows(RetriableException.class, () -> source.store("EVENTS", 50));
            assertEquals("7", raw(nats, "hand.EVENTS"), "the hand-written value stays");
            assertEquals(1, reclaims.get(), "the source is asked to start again");

            io.jetconnect.spi.CursorStore next = store.session();
            assertEquals(OptionalLong.of(7), next.load("EVENTS"), "and the next one resumes from it");
            RetriableException e = assertThrows(RetriableException.class, () -> source.store("EVENTS", 60));
            assertTrue(e.getMessage().contains("its source was stopped"), e.getMessage());
            next.store("EVENTS", 8);
            store.endSession();
            assertThrows(RetriableException.class, () -> next.store("EVENTS", 9), "stopped: refused");
            assertEquals("8@3", raw(nats, "hand.EVENTS"));
        }
    }

    @Test
    void anUnreachableServerIsRetriableAndTheUrlIsRedacted() {
        int port = NatsServer.freePort();
        try (KvCursorStore store = new KvCursorStore(settings("nats://user:hunter2@127.0.0.1:" + port), "p")) {
            RetriableException e = assertThrows(RetriableException.class, () -> store.load("EVENTS"));
            assertEquals(-1, e.getMessage().indexOf("hunter2"), e.getMessage());
        }
    }
}
