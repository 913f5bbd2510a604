package io.jetconnect.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedConnectionsTest {

    /**
     * A connection that only knows whether it is closed, and tells its listener so, as jnats does: CONNECTED until
     * its close has finished, which waits for {@code slowClose} when one is set.
     */
    private static final class FakeConnection {
        final ConnectionListener listener;
        volatile boolean closed;
        volatile boolean closing;
        volatile CountDownLatch slowClose;
        final AtomicInteger closes = new AtomicInteger();
        final Connection proxy;

        FakeConnection(ConnectionListener listener) {
            this.listener = listener;
            this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (p, method, args) -> switch (method.getName()) {
                        case "getStatus" -> closed ? Connection.Status.CLOSED : Connection.Status.CONNECTED;
                        case "close" -> {
                            closes.incrementAndGet();
                            if (!closed) {
                                closing = true;
                                CountDownLatch gate = slowClose;
                                if (gate != null) {
                                    gate.await();
                                }
                                closed = true;
                                listener.connectionEvent((Connection) p, ConnectionListener.Events.CLOSED);
                            }
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        case "toString" -> "fake connection";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    /** Opens fake connections and keeps them, in order. */
    private static class Broker implements SharedConnections.Opener {
        final List<FakeConnection> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean down;

        @Override
        public Connection open(ConnectionListener events) throws IOException {
            if (down) {
                throw new IOException("no server could be reached");
            }
            FakeConnection c = new FakeConnection(events);
            opened.add(c);
            return c.proxy;
        }

        FakeConnection of(Connection proxy) {
            synchronized (opened) {
                return opened.stream().filter(c -> c.proxy == proxy).findFirst().orElseThrow();
            }
        }
    }

    @Test
    void leasesOfOneKeySpreadOverTheGroupAndShareItsConnections() throws Exception {
        SharedConnections pool = new SharedConnections(2);
        Broker broker = new Broker();
        List<SharedConnections.Lease> leases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leases.add(pool.lease("k", broker));
        }
        assertEquals(List.of(3, 2), pool.refs("k"));
        assertEquals(0, broker.opened.size(), "nothing opened before it is asked for");
        Connection first = leases.get(0).connection();
        assertSame(first, leases.get(2).connection(), "same position, same connection");
        assertNotSame(first, leases.get(1).connection());
        assertEquals(2, broker.opened.size());
        assertEquals(2, pool.openConnections());

        SharedConnections.Lease other = pool.lease("other key", broker);
        assertNotSame(first, other.connection(), "another key never shares");
        other.close();
        assertEquals(2, pool.openConnections());
        leases.forEach(SharedConnections.Lease::close);
    }

    @Test
    void aLeaseOfAnOpenConnectionBorrowsOneAndNeverOpens() throws Exception {
        SharedConnections pool = new SharedConnections(4);
        Broker broker = new Broker();
        assertTrue(pool.leaseOpen("k").isEmpty(), "no group");
        SharedConnections.Lease a = pool.lease("k", broker);
        SharedConnections.Lease b = pool.lease("k", broker);
        assertTrue(pool.leaseOpen("k").isEmpty(), "leased but nothing opened yet");
        Connection first = a.connection();
        SharedConnections.Lease borrowed = pool.leaseOpen("k").orElseThrow();
        assertSame(first, borrowed.connection(), "the open one, although two slots are empty");
        assertEquals(List.of(2, 1, 0, 0), pool.refs("k"));
        a.close();
        borrowed.close();
        assertTrue(broker.of(first).closed, "the borrower's share counts like any other");
        assertTrue(pool.leaseOpen("k").isEmpty(), "b's connection is not open");
        assertEquals(1, broker.opened.size());
        b.close();
    }

    @Test
    void theLastLeaseOutClosesTheConnectionAndClosingTwiceCountsOnce() throws Exception {
        SharedConnections pool = new SharedConnections(1);
        Broker broker = new Broker();
        SharedConnections.Lease a = pool.lease("k", broker);
        SharedConnections.Lease b = pool.lease("k", broker);
        FakeConnection c = broker.of(a.connection());
        a.close();
        a.close();
        assertEquals(List.of(1), pool.refs("k"));
        assertTrue(!c.closed, "b still uses it");
        assertSame(c.proxy, b.connection());
        b.close();
        assertTrue(c.closed);
        assertEquals(List.of(), pool.refs("k"), "an unused group is forgotten");
        assertThrows(IllegalStateException.class, b::connection);

        SharedConnections.Lease again = pool.lease("k", broker);
        assertNotSame(c.proxy, again.connection(), "a new lease after the last one out gets a new connection");
        again.close();
    }

    @Test
    void aFenceClosesTheConnectionForEverySharerAndTheNextConnectionIsNew() throws Exception {
        SharedConnections pool = new SharedConnections(1);
        Broker broker = new Broker();
        SharedConnections.Lease a = pool.lease("k", broker);
        SharedConnections.Lease b = pool.lease("k", broker);
        List<String> seenByB = java.util.Collections.synchronizedList(new ArrayList<>());
        b.listen((conn, event) -> seenByB.add(event.name()));
        Connection fenced = a.connection();
        assertSame(fenced, b.connection());

        a.fence(fenced);
        assertTrue(broker.of(fenced).closed);
        assertEquals(List.of("CLOSED"), seenByB, "the sharer sees the fence as its connection closing");

        Connection next = b.connection();
        assertNotSame(fenced, next);
        assertSame(next, a.connection());
        a.fence(fenced); // late: the connection was replaced already
        assertTrue(!broker.of(next).closed, "a fence of a replaced connection does not touch the new one");
        assertEquals(1, broker.of(fenced).closes.get());

        a.close();
        b.close();
        assertTrue(broker.of(next).closed);
        assertEquals(List.of("CLOSED"), seenByB, "a closed lease hears nothing more");
    }

    /** jnats says CONNECTED until a close has finished: a sharer asking meanwhile must not get the closing one. */
    @Test
    void aSharerAskingWhileAFenceClosesTheConnectionGetsTheNextOne() throws Exception {
        Broker broker = new Broker();
        SharedConnections pool = new SharedConnections(1);
        SharedConnections.Lease fencer = pool.lease("k", broker);
        SharedConnections.Lease asker = pool.lease("k", broker);
        Connection fenced = fencer.connection();
        FakeConnection closing = broker.of(fenced);
        closing.slowClose = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> fence = thread.submit(() -> fencer.fence(fenced));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> closing.closing);
            assertSame(Connection.Status.CONNECTED, fenced.getStatus(), "still closing");

            Connection next = asker.connection();
            assertNotSame(fenced, next, "the fenced connection, handed out while it closed");
            assertEquals(1, pool.openConnections(), "the closing one is no longer the share's");
            closing.slowClose.countDown();
            fence.get(10, TimeUnit.SECONDS);
            assertTrue(closing.closed);
            assertSame(next, fencer.connection());
            assertTrue(!broker.of(next).closed);
        } finally {
            closing.slowClose.countDown(); // a failed assertion must not leave the fence waiting
            thread.shutdownNow();
            fencer.close();
            asker.close();
        }
        assertTrue(broker.opened.stream().allMatch(c -> c.closed), "every connection closed once both are gone");
    }

    /**
     * A shared connection is no one pipeline's: its opener and its sharers' listeners run with the MDC naming the
     * connection, none of them inherits what another listener put there, and the caller's MDC is put back.
     */
    @Test
    void aSharedConnectionLogsUnderItsOwnNameNotASharersPipeline() throws Exception {
        SharedConnections pool = new SharedConnections(2);
        List<String> openedIn = java.util.Collections.synchronizedList(new ArrayList<>());
        Broker broker = new Broker() {
            @Override
            public Connection open(ConnectionListener events) throws IOException {
                openedIn.add(org.slf4j.MDC.get("connection") + "/" + org.slf4j.MDC.get("pipeline"));
                return super.open(events);
            }
        };
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        org.slf4j.MDC.put("pipeline", "first");
        SharedConnections.Lease a = pool.lease("k", "sinks", broker);
        a.listen((c, e) -> {
            heard.add("a " + org.slf4j.MDC.get("connection") + "/" + org.slf4j.MDC.get("pipeline"));
            org.slf4j.MDC.put("pipeline", "first"); // as the jetstream sink's own listener does
        });
        SharedConnections.Lease b = pool.lease("k", "sinks", broker);
        SharedConnections.Lease c = pool.lease("k", "sinks", broker);
        c.listen((conn, e) -> heard.add("c " + org.slf4j.MDC.get("connection") + "/" + org.slf4j.MDC.get("pipeline")));
        try {
            org.slf4j.MDC.put("pipeline", "caller");
            Connection shared = c.connection();
            b.connection();
            assertEquals(List.of("sinks#0/null", "sinks#1/null"), openedIn);
            assertEquals("caller", org.slf4j.MDC.get("pipeline"), "the caller's MDC is put back after an open");

            org.slf4j.MDC.put("pipeline", "stale"); // what a shared callback thread may hold
            broker.of(shared).listener.connectionEvent(shared, ConnectionListener.Events.RECONNECTED);
            assertEquals(List.of("a sinks#0/null", "c sinks#0/null"), heard);
            assertEquals("stale", org.slf4j.MDC.get("pipeline"));
            assertEquals(null, org.slf4j.MDC.get("connection"));
        } finally {
            org.slf4j.MDC.clear();
            a.close();
            b.close();
            c.close();
        }
    }

    @Test
    void aFailedOpenIsTheCallersAndTheNextCallTriesAgain() throws Exception {
        SharedConnections pool = new SharedConnections(1);
        Broker broker = new Broker();
        broker.down = true;
        try (SharedConnections.Lease a = pool.lease("k", broker)) {
            assertThrows(IOException.class, a::connection);
            broker.down = false;
            Connection c = a.connection();
            assertSame(c, a.connection());
            assertEquals(1, broker.opened.size());
        }
    }

    /**
     * A stop must not wait behind connects that time out (a partition): giving a lease back does not take the
     * opening lock, and a connection opened after every lease was given back is closed, not kept.
     */
    @Test
    void givingALeaseBackDoesNotWaitForAnOpenInFlight() throws Exception {
        SharedConnections pool = new SharedConnections(1);
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        Broker broker = new Broker() {
            @Override
            public Connection open(ConnectionListener events) throws IOException {
                opening.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return super.open(events);
            }
        };
        SharedConnections.Lease lease = pool.lease("k", broker);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Connection> connecting = thread.submit(lease::connection);
            assertTrue(opening.await(10, TimeUnit.SECONDS));
            long start = System.nanoTime();
            lease.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "close waited for the open");
            answer.countDown();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> connecting.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
            assertTrue(broker.of(broker.opened.get(0).proxy).closed, "the late connection is closed, not kept");
            assertEquals(0, pool.openConnections());
        } finally {
            thread.shutdownNow();
        }
    }

    /** Sharers waiting while an open fails take that failure instead of each timing out in turn. */
    @Test
    void oneFailedOpenAnswersEverySharerThatWaitedForIt() throws Exception {
        SharedConnections pool = new SharedConnections(1);
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Broker broker = new Broker() {
            @Override
            public Connection open(ConnectionListener events) throws IOException {
                attempts.incrementAndGet();
                first.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                throw new IOException("connect timed out");
            }
        };
        int sharers = 6;
        List<SharedConnections.Lease> leases = new ArrayList<>();
        for (int i = 0; i < sharers; i++) {
            leases.add(pool.lease("k", broker));
        }
        ExecutorService threads = Executors.newFixedThreadPool(sharers);
        try {
            List<java.util.concurrent.Future<Connection>> calls = new ArrayList<>();
            calls.add(threads.submit(leases.get(0)::connection));
            assertTrue(first.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < sharers; i++) {
                calls.add(threads.submit(leases.get(i)::connection));
            }
            // Every other sharer waits on the open in flight before it fails.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> pool.waitingToOpen("k") == sharers - 1);
            release.countDown();
            for (java.util.concurrent.Future<Connection> call : calls) {
                java.util.concurrent.ExecutionException e = assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof IOException, e.toString());
            }
            assertEquals(1, attempts.get(), "one attempt for all who waited");
        } finally {
            threads.shutdownNow();
            leases.forEach(SharedConnections.Lease::close);
        }
    }

    /** Sharers racing to reconnect after a fence open one connection between them, never one each. */
    @Test
    void sharersReconnectingAtOnceOpenOneConnection() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SharedConnections pool = new SharedConnections(1 + random.nextInt(3));
        Broker broker = new Broker();
        int sinks = 20 + random.nextInt(30);
        List<SharedConnections.Lease> leases = new ArrayList<>();
        for (int i = 0; i < sinks; i++) {
            leases.add(pool.lease("k", broker));
        }
        for (SharedConnections.Lease l : leases) {
            l.connection();
        }
        int before = broker.opened.size();
        SharedConnections.Lease fencer = leases.get(random.nextInt(sinks));
        fencer.fence(fencer.connection());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch done = new CountDownLatch(sinks);
        try {
            for (SharedConnections.Lease l : leases) {
                threads.execute(() -> {
                    try {
                        l.connection();
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS), "seed " + seed);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(before + 1, broker.opened.size(), "one new connection for the fenced one; seed " + seed);
        assertEquals(pool.perGroup(), pool.openConnections(), "seed " + seed);
        leases.forEach(SharedConnections.Lease::close);
        assertEquals(0, pool.openConnections(), "seed " + seed);
        synchronized (broker.opened) {
            broker.opened.forEach(c -> assertTrue(c.closed, "seed " + seed));
        }
    }
}
