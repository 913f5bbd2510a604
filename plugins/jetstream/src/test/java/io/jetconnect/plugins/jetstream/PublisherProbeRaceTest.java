package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.spi.Backoff;
import io.jetconnect.testing.TestContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One interleaving the single-threaded {@link PublisherScheduleTest} cannot make: a reply's thread marks the probe
 * done and is pre-empted before it settles the window, while the control thread closes the connection the
 * watchdog doomed. Found in review: the probe was taken as finished, the window cleared under the late settle, and
 * the next events of a subject were sent out of order with one of them never sent again. The reply thread's steps
 * are taken here one by one (through reflection, as {@link Publisher#settle} takes them).
 */
class PublisherProbeRaceTest {

    private static final long MS = 1_000_000L;
    private static final String REFUSED =
            "{\"error\":{\"code\":503,\"err_code\":10008,\"description\":\"unavailable\"}}";

    private long now = 1_000 * MS;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private Runnable watchdog;
    private final List<String> sent = new ArrayList<>();

    /** A connection whose requests the test answers. */
    private final class Conn {
        final List<CompletableFuture<Message>> requests = new ArrayList<>();
        final Connection proxy;
        boolean closed;

        Conn(String name) {
            proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (self, m, a) -> switch (m.getName()) {
                        case "getStatus" -> closed ? Connection.Status.CLOSED : Connection.Status.CONNECTED;
                        case "request" -> {
                            CompletableFuture<Message> f = new CompletableFuture<>();
                            requests.add(f);
                            sent.add(((Headers) a[1]).getFirst(EventEncoder.MSG_ID) + "@" + name);
                            yield f;
                        }
                        case "close" -> {
                            closed = true;
                            requests.forEach(f -> f.completeExceptionally(new CancellationException("closed")));
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == a[0];
                        default -> name;
                    });
        }
    }

    private static Message reply(String json) {
        return new NatsMessage("_INBOX.r", null, json.getBytes(StandardCharsets.UTF_8));
    }

    private Pending event(Publisher p, String id, String subject) {
        return new Pending(p, id, subject, new Headers().put(EventEncoder.MSG_ID, id), id.getBytes(), now);
    }

    private void runReady() {
        Runnable r;
        while ((r = ready.poll()) != null) {
            r.run();
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void aProbeMarkedDoneButNotYetSettledIsNotTakenAsFinished() throws Exception {
        SinkSettings settings = SinkSettings.from(TestContexts.of("jetstream").config("stream = s, subject = "
                + "\"t.{tenantId}\", max-in-flight = 4, ack-timeout = 2s, retry { attempts = 1, waits = [100ms] }")
                .connectorConfig());
        CircuitBreaker breaker = new CircuitBreaker(Backoff.exponential(Duration.ofMillis(100),
                Duration.ofSeconds(2)), () -> now);
        SinkMetrics metrics = new SinkMetrics(new MicrometerPluginMetrics(new SimpleMeterRegistry(), "p"), breaker,
                () -> false);
        Control control = new Control() {
            @Override
            public void execute(Runnable t) {
                ready.add(t);
            }

            @Override
            public boolean schedule(Runnable t, long delayNanos) {
                ready.add(t);
                return true;
            }

            @Override
            public void every(Runnable t, long periodNanos) {
                watchdog = t;
            }

            @Override
            public void shutdown() {
            }
        };
        Conn c1 = new Conn("c1");
        Publisher publisher = new Publisher(settings, () -> {
            throw new IOException("no server");
        }, new ConnectionEpoch(1, c1.proxy, 1 << 20), breaker, metrics, "p", "s", control, () -> now);

        publisher.submit(event(publisher, "a1", "t.a")); // refused: the circuit opens
        c1.requests.get(0).complete(reply(REFUSED));
        runReady();
        assertEquals(Publisher.Mode.OPEN, publisher.mode());

        now += 200 * MS;
        Pending probe = event(publisher, "q", "t.b");
        publisher.submit(probe);
        runReady(); // the probe goes out on c1
        now += 3_000 * MS;
        watchdog.run(); // its PubAck is overdue: c1 is doomed

        // The reply thread marks the probe done, and is pre-empted before it settles the window...
        int state = probe.state();
        assertTrue(probe.transition(state, Pending.withKind(state, Pending.DONE)));
        runReady(); // ...while the control thread closes c1 (the probe's cancellation is stale)
        // ...then goes on, as settle does.
        probe.stored = true;
        ((PublishWindow) field(publisher, "window")).succeeded(probe);
        ((AtomicInteger) field(publisher, "inFlight")).decrementAndGet();
        probe.stage.complete(null);
        Method reconcile = Publisher.class.getDeclaredMethod("requestReconcile");
        reconcile.setAccessible(true);
        reconcile.invoke(publisher);
        runReady();
        assertEquals(Publisher.Mode.RUNNING, publisher.mode());

        Conn c2 = new Conn("c2");
        assertTrue(publisher.reconnected(new ConnectionEpoch(2, c2.proxy, 1 << 20)));
        Pending r1 = event(publisher, "r1", "t.b");
        Pending r2 = event(publisher, "r2", "t.b");
        CompletableFuture<Void> first = publisher.submit(r1);
        publisher.submit(r2);
        c2.requests.get(0).complete(reply(REFUSED)); // r1, alone on the new connection, is refused
        runReady();
        assertFalse(sent.contains("r2@c2"), "r2 sent although the older r1 of its subject is not stored: " + sent);
        assertTrue(first.isDone(), "r1 is failed to its producer, not forgotten");
    }
}
