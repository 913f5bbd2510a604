package io.jetconnect.plugins.jetstream;

import static io.jetconnect.plugins.jetstream.Streams.event;
import static io.jetconnect.plugins.jetstream.Streams.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills the broker with SIGKILL while events flow and restarts it on the same port and store. Events are emitted
 * by one producer thread at a steady rate (a scheduled task, as a polling source would), numbered in emit order,
 * over four tenants; whatever completed normally must be in the stream exactly once, in emit order per subject.
 */
@ExtendWith(NatsServerExtension.class)
class BrokerOutageIT {

    private static final int TENANTS = 4;

    /** Emits numbered events at a fixed rate from one thread and records each outcome. */
    static final class Producer {

        final Set<Long> succeeded = ConcurrentHashMap.newKeySet();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong outstanding = new AtomicLong();
        /** The longest time one call of emit took: it must never wait for NATS. */
        final AtomicLong slowestEmitNanos = new AtomicLong();
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        private final JetStreamSink sink;
        private long next;

        /** @return a producer started on {@code sink} once {@code succeeded} of its events were stored */
        static Producer running(JetStreamSink sink, int perMillisecond, int succeeded) {
            Producer producer = new Producer(sink, perMillisecond);
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.succeeded.size() >= succeeded);
            return producer;
        }

        Producer(JetStreamSink sink, int perMillisecond) {
            this.sink = sink;
            thread.scheduleAtFixedRate(() -> {
                for (int i = 0; i < perMillisecond; i++) {
                    long n = next++;
                    outstanding.incrementAndGet();
                    long start = System.nanoTime();
                    CompletionStage<Void> stage = sink.emit(event("e-" + n, "t" + (n % TENANTS), n));
                    slowestEmitNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    stage.whenComplete((ok, error) -> {
                        if (error == null) {
                            succeeded.add(n);
                        } else {
                            failed.incrementAndGet();
                        }
                        outstanding.decrementAndGet();
                    });
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
        }

        /** Stops emitting and waits until every emitted event has completed. */
        void stop() throws InterruptedException {
            thread.shutdown();
            assertTrue(thread.awaitTermination(5, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(15)).until(() -> outstanding.get() == 0);
        }
    }

    /** The outcome of emitting event ff-{@code i} while the broker is away, and how long the call and wait took. */
    record TimedFailure(Throwable failure, long nanos) {
        static TimedFailure of(JetStreamSink sink, int i, int seconds) throws Exception {
            long start = System.nanoTime();
            CompletableFuture<Void> stage = sink.emit(event("ff-" + i, "ff", i)).toCompletableFuture();
            Throwable failure = Streams.failureWithin(stage, seconds);
            return new TimedFailure(failure, System.nanoTime() - start);
        }
    }

    static TestContexts contexts(NatsServer server, String stream, String prefix, String extra) {
        return TestContexts.of("jetstream")
                .config("stream = " + stream.toLowerCase() + ", subject = \"" + prefix + ".{tenantId}.v1\", "
                        + "ack-timeout = 2s" + extra)
                .nats(server.url())
                .stream(TestContexts.fileStream(stream.toLowerCase(), stream, prefix + ".>"));
    }

    /**
     * Asserts that every event that completed normally is stored exactly once, in emit order per subject, and
     * returns how many of the producer's events are stored.
     *
     * @param strict whether events whose stage failed must keep that order too (true when the broker died: nothing
     *     it had buffered can be stored late)
     */
    static int assertStoredInOrder(NatsServer server, String stream, Producer producer, boolean strict)
            throws Exception {
        List<Streams.Stored> stored = Streams.readAll(server.url(), stream);
        Map<String, Long> lastPerSubject = new HashMap<>();
        Set<Long> seen = new java.util.HashSet<>();
        for (Streams.Stored m : stored) {
            if (!m.eventId().startsWith("e-")) {
                continue; // the fail-fast probes of the test thread, on their own subject
            }
            long n = Long.parseLong(m.eventId().substring(2));
            assertEquals(".t" + (n % TENANTS) + ".v1", m.subject().substring(m.subject().indexOf('.')));
            assertTrue(seen.add(n), "event " + n + " stored twice");
            if (!strict && !producer.succeeded.contains(n)) {
                continue;
            }
            Long last = lastPerSubject.put(m.subject(), n);
            assertTrue(last == null || last < n, m.subject() + ": event " + n + " stored after " + last);
        }
        for (long n : producer.succeeded) {
            assertTrue(seen.contains(n), "event " + n + " completed normally but is not in the stream");
        }
        return seen.size();
    }

    @Test
    void failsFastWhileTheBrokerIsDownAndResumesInOrderAfterItRestarts(NatsServer server) throws Exception {
        // The producer gives up the events it was refused and never sends them again: a short owed-patience lets
        // its subjects flow again soon after the restart (the default would hold them back for 30 s).
        TestContexts contexts = contexts(server, "OUTAGE", "out",
                ", backoff { initial = 100ms, max = 1s }, owed-patience = 1s");
        JetStreamSink sink = Streams.open(contexts);
        Producer producer = Producer.running(sink, 5, 1000);

        server.kill();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sample(contexts, "jetconnect_sink_circuit_state", "sink", "jetstream") == 1.0);
        // The circuit opens, then fails what it held: the producer hears of it just after the gauge moves.
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.failed.get() > 0);

        // While the circuit is open an emit fails at once, far below the 2 s ack-timeout: no thread waits on NATS.
        // One of them may be the probe (their subject owes nothing), which waits for its connection attempt; once
        // it failed it is owed, and the others of its subject are refused at once.
        long slowest = 0;
        long secondSlowest = 0;
        for (int i = 0; i < 20; i++) {
            TimedFailure emitted = TimedFailure.of(sink, i, 1);
            Throwable failure = emitted.failure();
            long took = emitted.nanos();
            secondSlowest = Math.max(secondSlowest, Math.min(slowest, took));
            slowest = Math.max(slowest, took);
            assertInstanceOf(RetriableException.class, failure, "the broker is down");
        }
        assertTrue(secondSlowest < TimeUnit.MILLISECONDS.toNanos(50), "the slowest failure but one took "
                + TimeUnit.NANOSECONDS.toMillis(secondSlowest) + " ms");
        assertTrue(sample(contexts, "jetconnect_sink_backoff_seconds", "sink", "jetstream") > 0.0);

        server.restart();
        int atRestart = producer.succeeded.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> producer.succeeded.size() >= atRestart + 1000);
        producer.stop();
        Streams.assertConnected(contexts);
        sink.close();

        assertTrue(producer.slowestEmitNanos.get() < TimeUnit.MILLISECONDS.toNanos(200),
                "emit never waits for NATS; slowest call " + producer.slowestEmitNanos.get() / 1_000_000 + " ms");
        int stored = assertStoredInOrder(server, "OUTAGE", producer, true);
        assertTrue(stored >= producer.succeeded.size());
    }

    @Test
    void aShortOutageIsAbsorbedByTheBoundedRetry(NatsServer server) throws Exception {
        TestContexts contexts = contexts(server, "HICCUP", "hic",
                ", max-in-flight = 50000, retry { attempts = 3, waits = [1s, 2s] }");
        JetStreamSink sink = Streams.open(contexts);
        Producer producer = Producer.running(sink, 2, 500);

        server.kill();
        server.restart();
        int atRestart = producer.succeeded.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> producer.succeeded.size() >= atRestart + 2000);
        producer.stop();
        sink.close();

        assertEquals(0, producer.failed.get(), "every event held during the outage was stored after it");
        assertEquals(0.0, sample(contexts, "jetconnect_sink_events_total", "outcome", "failed"));
        assertEquals(producer.succeeded.size(), assertStoredInOrder(server, "HICCUP", producer, true));
        assertTrue(sample(contexts, "jetconnect_sink_events_total", "outcome", "published")
                + sample(contexts, "jetconnect_sink_events_total", "outcome", "duplicate")
                == producer.succeeded.size());
    }
}
