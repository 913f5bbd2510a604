package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.delivery.OrderedWindow;
import io.jetconnect.runtime.metrics.MicrometerPluginMetrics;
import io.jetconnect.testing.TestContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random schedules of the real {@link Publisher} (its window, connection slot, recovery policy, circuit and
 * owed events) against a fake broker, on virtual time, one step at a time: producers that read ahead through an
 * {@link OrderedWindow} and send again from its floor after a failure (as the {@code replay} source and the
 * {@code dlq} drainer do); a broker that answers each connection in order, crashes (storing part of what it got, its
 * answers lost), restarts (refusing the first publish it handles), stalls; jnats' cancellations on close in any
 * order; the control thread's tasks, timers and watchdog interleaved with all of that; connections handed over by
 * the connection watch. Checked at every store: no event is stored before an older event of its subject that is not
 * stored yet; and at the end: every event stored once, in order.
 *
 * <p>A failing run names its seed: {@code -Dpublisher.seed=N -Dpublisher.runs=1} replays it.
 */
class PublisherScheduleTest {

    private static final long MS = 1_000_000L;
    private static final boolean TRACE = Boolean.getBoolean("publisher.trace");
    private static final ArrayDeque<String> TRACE_LOG = new ArrayDeque<>();

    /** Keeps the last steps of a schedule, to print with its failure when {@code -Dpublisher.trace=true}. */
    private static void trace(Supplier<String> what) {
        if (TRACE) {
            TRACE_LOG.add(what.get());
            if (TRACE_LOG.size() > 200_000) {
                TRACE_LOG.poll();
            }
        }
    }

    private static final ch.qos.logback.classic.Logger SINK_LOG =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(JetStreamSink.class);
    private static ch.qos.logback.classic.Level level;

    /** Thousands of outages log tens of thousands of lines that say nothing here. */
    @BeforeAll
    static void quiet() {
        level = SINK_LOG.getLevel();
        SINK_LOG.setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    @AfterAll
    static void restore() {
        SINK_LOG.setLevel(level);
    }

    @Test
    void noEventIsStoredBeforeAnOlderUnstoredEventOfItsSubject() {
        long base = Long.getLong("publisher.seed", System.nanoTime());
        int runs = Integer.getInteger("publisher.runs", 1_500);
        for (int run = 0; run < runs; run++) {
            long seed = base + run;
            String outcome;
            try {
                outcome = new World(new Random(seed)).run();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + " (rerun with -Dpublisher.seed=" + seed
                        + " -Dpublisher.runs=1): " + e, e);
            }
            assertEquals("ok", outcome, "seed " + seed + " (rerun with -Dpublisher.seed=" + seed
                    + " -Dpublisher.runs=1)");
        }
    }

    /** A checker that cannot fail proves nothing: a sink that loses order must be caught by the same schedules. */
    @Test
    void theCheckerCatchesAStoreThatOvertakesAnOlderEvent() {
        Broker broker = new Broker(new Random(1));
        broker.expect("t.a", List.of("a-0", "a-1"));
        String overtaken = broker.store("t.a", "a-1");
        assertEquals("reordered: a-1 stored on t.a before a-0", overtaken);
    }

    /** One schedule. */
    private static final class World {

        private final Random random;
        private final VirtualTime time = new VirtualTime();
        private final Broker broker;
        private final Publisher publisher;
        private final List<Producer> producers = new ArrayList<>();
        private final List<Runnable> cancellations = new ArrayList<>();
        private final int faultSteps;
        private int epochs;

        World(Random random) {
            this.random = random;
            this.broker = new Broker(random);
            int maxInFlight = 1 + random.nextInt(8);
            SinkSettings settings = SinkSettings.from(TestContexts.of("jetstream").config(
                    "stream = s, subject = \"t.{tenantId}\", max-in-flight = " + maxInFlight
                            + ", ack-timeout = 2s, owed-patience = 30s, retry { attempts = " + (1 + random.nextInt(3))
                            + ", waits = [100ms, 400ms] }").connectorConfig());
            CircuitBreaker breaker = new CircuitBreaker(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2)),
                    time::now);
            SinkMetrics metrics = new SinkMetrics(new MicrometerPluginMetrics(new SimpleMeterRegistry(), "p"), breaker,
                    () -> false);
            ConnectionEpoch first = new ConnectionEpoch(++epochs, broker.open(cancellations), 1 << 20);
            this.publisher = new Publisher(settings, this::connect, first, breaker, metrics, "p", "s", time,
                    time::now);
            int count = 1 + random.nextInt(3);
            for (int k = 0; k < count; k++) {
                producers.add(new Producer(k, 5 + random.nextInt(40), 1 + random.nextInt(2),
                        1 + random.nextInt(6)));
            }
            this.faultSteps = 200 + random.nextInt(2_000);
        }

        private ConnectionEpoch connect() throws IOException {
            if (!broker.up) {
                throw new IOException("connection refused");
            }
            return new ConnectionEpoch(++epochs, broker.open(cancellations), 1 << 20);
        }

        String run() {
            TRACE_LOG.clear();
            for (int step = 0; step < 200_000; step++) {
                if (producers.stream().allMatch(Producer::done)) {
                    return broker.complete();
                }
                boolean faults = step < faultSteps;
                if (!faults && (!broker.up || broker.stalled)) {
                    broker.restart(); // the faults are over: the broker comes back for good
                }
                String broken = act(faults);
                if (broken == null) {
                    broken = broker.violation;
                }
                if (broken != null) {
                    return TRACE ? broken + "\n" + String.join("\n", TRACE_LOG) : broken;
                }
            }
            String stuck = "stuck: " + producers + ", publisher " + publisher.mode() + " " + publisher.owed() + ", "
                    + broker;
            return TRACE ? stuck + "\n" + String.join("\n", TRACE_LOG) : stuck;
        }

        /** One random step; returns a violation, or null. */
        private String act(boolean faults) {
            switch (random.nextInt(faults ? 12 : 9)) {
                case 0, 1 -> producers.get(random.nextInt(producers.size())).offer();
                case 2, 3 -> producers.get(random.nextInt(producers.size())).deliver(random);
                case 4 -> {
                    return broker.handle();
                }
                case 5 -> broker.reply();
                case 6 -> {
                    if (!cancellations.isEmpty()) {
                        cancellations.remove(random.nextInt(cancellations.size())).run();
                    }
                }
                case 7 -> time.runReady();
                case 8 -> {
                    if (!time.runReady() && random.nextInt(4) == 0) {
                        time.advance(random.nextInt(3) == 0 ? 600 * MS : 50 * MS);
                    }
                    if (random.nextInt(8) == 0) {
                        handOver();
                    }
                }
                case 9 -> {
                    return broker.up ? broker.crash() : null;
                }
                case 10 -> {
                    if (!broker.up || broker.stalled) {
                        broker.restart();
                    }
                }
                default -> {
                    broker.stalled = random.nextInt(3) == 0;
                    trace(() -> broker.stalled ? "broker stalls" : "broker unstalls");
                }
            }
            return null;
        }

        /** The connection watch made a connection once the server answered, and offers it. */
        private void handOver() {
            if (!broker.up) {
                return;
            }
            ConnectionEpoch fresh = new ConnectionEpoch(++epochs, broker.open(cancellations), 1 << 20);
            boolean taken = publisher.reconnected(fresh);
            trace(() -> "watch hands over a connection: " + (taken ? "taken" : "not taken"));
            if (!taken) {
                fresh.close();
            }
        }

        /** A source that reads ahead and sends again from its floor after a failure. */
        private final class Producer {

            private final int number;
            private final int count;
            private final int subjects;
            private final OrderedWindow window;
            private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
            private final List<Runnable> late = new ArrayList<>();
            private int next;

            Producer(int number, int count, int subjects, int readAhead) {
                this.number = number;
                this.count = count;
                this.subjects = subjects;
                this.window = new OrderedWindow(readAhead, 0);
                Map<String, List<String>> bySubject = new HashMap<>();
                for (int i = 0; i < count; i++) {
                    bySubject.computeIfAbsent(subject(i), s -> new ArrayList<>()).add(id(i));
                }
                bySubject.forEach(broker::expect);
            }

            private String subject(int i) {
                return "t.p" + number + ".s" + (i * 7 % subjects);
            }

            private String id(int i) {
                return "p" + number + "-" + i;
            }

            boolean done() {
                window.advance();
                return window.floor() == count;
            }

            void offer() {
                window.advance();
                if (window.fenced()) {
                    if (window.quiescent()) {
                        window.rewind();
                        next = (int) window.floor();
                        trace(() -> "producer " + number + " rewinds to " + id(next));
                    }
                    return;
                }
                if (next >= count || !window.hasRoom()) {
                    return;
                }
                int i = next++;
                long ticket = window.submit(i + 1);
                CompletionStage<Void> stage = emit(i);
                boolean refused = stage.toCompletableFuture().isCompletedExceptionally();
                trace(() -> "offer " + id(i) + " on " + subject(i) + (refused ? " refused" : "") + " -> "
                        + publisher.mode());
                // A stage failed at emit is known at once (its callback runs on the emitting thread); the others
                // reach the producer late, in any order.
                boolean known = stage.toCompletableFuture().isDone();
                stage.whenComplete((v, e) -> {
                    Runnable learn = () -> {
                        trace(() -> "producer " + number + " learns " + id(i) + (e == null ? " ok" : " failed: " + e));
                        if (e == null) {
                            window.succeed(ticket);
                        } else if (io.jetconnect.spi.Outcome.of(e).retriable()) {
                            window.fail(ticket);
                        } else {
                            throw new AssertionError("event " + id(i) + " refused for good: " + e);
                        }
                    };
                    if (known) {
                        learn.run();
                    } else {
                        late.add(learn);
                    }
                });
            }

            /** As {@link JetStreamSink#emit} does, past the subject and the encoding. */
            private CompletionStage<Void> emit(int i) {
                if (publisher.refusesNow()) {
                    return publisher.refuse();
                }
                Headers headers = new Headers().put(EventEncoder.MSG_ID, id(i));
                return publisher.submit(new Pending(publisher, id(i), subject(i), headers,
                        id(i).getBytes(StandardCharsets.UTF_8), time.now()));
            }

            /** Completions reach the producer late, in any order. */
            void deliver(Random random) {
                if (!late.isEmpty()) {
                    late.remove(random.nextInt(late.size())).run();
                }
            }

            @Override
            public String toString() {
                return "producer " + number + " " + window + " next " + next + "/" + count;
            }
        }
    }

    /** A JetStream server with one stream that deduplicates on Nats-Msg-Id for ever. */
    private static final class Broker {

        private final Random random;
        private final Map<String, List<String>> expected = new HashMap<>();
        private final Map<String, Integer> storedCount = new HashMap<>();
        private final Set<String> stored = new HashSet<>();
        private final List<FakeConnection> connections = new ArrayList<>();
        boolean up = true;
        boolean stalled;
        /** After a restart, the first publish handled is refused (the stream not recovered yet), maybe. */
        private boolean refuseNext;
        /** A violation found while answering at once, on the sending thread. */
        String violation;
        private long sequence;

        Broker(Random random) {
            this.random = random;
        }

        void expect(String subject, List<String> ids) {
            expected.put(subject, ids);
            storedCount.put(subject, 0);
        }

        /** @return a violation, or null */
        String store(String subject, String id) {
            if (!stored.add(id)) {
                return null;
            }
            List<String> order = expected.get(subject);
            int at = storedCount.get(subject);
            if (!order.get(at).equals(id)) {
                return "reordered: " + id + " stored on " + subject + " before " + order.get(at);
            }
            storedCount.put(subject, at + 1);
            sequence++;
            return null;
        }

        Connection open(List<Runnable> cancellations) {
            FakeConnection c = new FakeConnection(this, cancellations);
            connections.add(c);
            return c.proxy;
        }

        /** The broker takes the oldest request of one connection, stores it and queues its answer. */
        String handle() {
            if (!up || stalled) {
                return null;
            }
            List<FakeConnection> busy = connections.stream().filter(c -> !c.unhandled.isEmpty()).toList();
            if (busy.isEmpty()) {
                return null;
            }
            FakeConnection c = busy.get(random.nextInt(busy.size()));
            Request r = c.unhandled.poll();
            if (refuseNext) {
                refuseNext = false;
                trace(() -> "broker refuses " + r.id + " on " + c.id);
                c.answers.add(() -> r.future.complete(reply("{\"error\":{\"code\":503,\"err_code\":10008,"
                        + "\"description\":\"JetStream system temporarily unavailable\"}}")));
                return null;
            }
            boolean duplicate = stored.contains(r.id);
            trace(() -> "broker stores " + r.id + " on " + c.id + (duplicate ? " (duplicate)" : ""));
            String broken = store(r.subject, r.id);
            c.answers.add(() -> r.future.complete(reply("{\"stream\":\"s\",\"seq\":" + sequence
                    + (duplicate ? ",\"duplicate\":true}" : "}"))));
            return broken;
        }

        /**
         * Stores a request and completes its answer at once, as a fast server's answer to a request the client
         * has not attached its callback to yet: only when nothing is ahead of it, so the connection's order holds.
         *
         * @return whether it did; a violation is kept for the schedule to report
         */
        boolean answerAtOnce(Request r) {
            if (!up || stalled || refuseNext) {
                return false;
            }
            boolean duplicate = stored.contains(r.id);
            trace(() -> "broker stores " + r.id + " at once" + (duplicate ? " (duplicate)" : ""));
            String broken = store(r.subject, r.id);
            if (broken != null && violation == null) {
                violation = broken;
            }
            r.future.complete(reply("{\"stream\":\"s\",\"seq\":" + sequence
                    + (duplicate ? ",\"duplicate\":true}" : "}")));
            return true;
        }

        /** One connection's oldest answer reaches the client: answers come in order, as over one socket. */
        void reply() {
            List<FakeConnection> answering = connections.stream().filter(c -> !c.answers.isEmpty()).toList();
            if (!answering.isEmpty()) {
                answering.get(random.nextInt(answering.size())).answers.poll().run();
            }
        }

        /** Stores part of what each connection sent, loses the answers, and drops every connection. */
        String crash() {
            trace(() -> "broker crashes");
            up = false;
            for (FakeConnection c : List.copyOf(connections)) {
                String broken = c.drop(true);
                if (broken != null) {
                    return broken;
                }
            }
            return null;
        }

        void restart() {
            trace(() -> "broker restarts");
            refuseNext = !up && random.nextBoolean(); // a stall ending is no restart
            up = true;
            stalled = false;
        }

        String complete() {
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                if (storedCount.get(e.getKey()) != e.getValue().size()) {
                    return "lost: " + e.getKey() + " stored " + storedCount.get(e.getKey()) + " of "
                            + e.getValue().size();
                }
            }
            return "ok";
        }

        private static Message reply(String json) {
            return new NatsMessage("_INBOX.r", null, json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "broker " + (up ? "up" : "down") + (stalled ? " stalled" : "") + ", stored " + stored.size();
        }
    }

    private record Request(String subject, String id, CompletableFuture<Message> future) {
    }

    /** A jnats connection to the fake broker: requests are handled in the order sent, as over one socket. */
    private static final class FakeConnection {

        private final Broker broker;
        private final List<Runnable> cancellations;
        final ArrayDeque<Request> unhandled = new ArrayDeque<>();
        final ArrayDeque<Runnable> answers = new ArrayDeque<>();
        private final List<CompletableFuture<Message>> open = new ArrayList<>();
        final Connection proxy;
        private final int id;
        private boolean closed;
        private static int count;

        FakeConnection(Broker broker, List<Runnable> cancellations) {
            this.id = ++count;
            this.broker = broker;
            this.cancellations = cancellations;
            this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (self, method, args) -> switch (method.getName()) {
                        case "getStatus" -> closed ? Connection.Status.CLOSED : Connection.Status.CONNECTED;
                        case "request" -> request((String) args[0], (Headers) args[1], (byte[]) args[2]);
                        case "close" -> {
                            drop(false);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "FakeConnection";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private CompletableFuture<Message> request(String subject, Headers headers, byte[] body) {
            if (closed) {
                throw new IllegalStateException("Connection is Closed");
            }
            trace(() -> "send " + headers.getFirst(EventEncoder.MSG_ID) + " on " + id);
            CompletableFuture<Message> future = new CompletableFuture<>();
            Request request = new Request(subject, headers.getFirst(EventEncoder.MSG_ID), future);
            if (unhandled.isEmpty() && answers.isEmpty() && broker.random.nextInt(6) == 0
                    && broker.answerAtOnce(request)) {
                // The answer came before the sender attached its callback: it settles on the sending thread.
                return future;
            }
            unhandled.add(request);
            open.add(future);
            return future;
        }

        /**
         * Ends the connection. The server may have stored a prefix of what it had not handled yet; the answers in
         * the way are lost. jnats cancels the open requests: at once when the client closes, later and in any
         * order when the server went away.
         */
        String drop(boolean byServer) {
            if (closed) {
                return null;
            }
            closed = true;
            broker.connections.remove(this);
            int kept = broker.random.nextInt(unhandled.size() + 1);
            trace(() -> "connection " + id + " dropped " + (byServer ? "by the server" : "by the client"));
            for (int i = 0; i < kept && broker.up; i++) {
                Request r = unhandled.poll();
                trace(() -> "broker stores " + r.id + " on " + id + " as it drops");
                String broken = broker.store(r.subject, r.id);
                if (broken != null) {
                    return broken;
                }
            }
            unhandled.clear();
            answers.clear();
            for (CompletableFuture<Message> f : open) {
                Runnable cancel = () -> f.completeExceptionally(new CancellationException("connection closed"));
                if (byServer) {
                    cancellations.add(cancel);
                } else {
                    cancel.run();
                }
            }
            open.clear();
            return null;
        }
    }

    /** The control thread on virtual time: ready tasks run one per step; timers fire when time is advanced. */
    private static final class VirtualTime implements Control {

        private record Timer(long at, long order, Runnable task, long period) {
        }

        private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        private long now = 1_000 * MS;
        private long order;
        private boolean shut;

        long now() {
            return now;
        }

        /** @return whether a task ran */
        boolean runReady() {
            Runnable task = ready.poll();
            if (task == null) {
                return false;
            }
            trace(() -> "control task at " + now / MS + " ms");
            task.run();
            return true;
        }

        /** Moves time on, to the next timer if there is one sooner, and readies what is due. */
        void advance(long atMost) {
            Timer first = timers.peek();
            now = first == null ? now + atMost : Math.max(now, Math.min(first.at, now + atMost));
            while ((first = timers.peek()) != null && first.at <= now) {
                timers.poll();
                ready.add(first.task);
                if (first.period > 0) {
                    timers.add(new Timer(now + first.period, order++, first.task, first.period));
                }
            }
        }

        @Override
        public void execute(Runnable task) {
            if (!shut) {
                ready.add(task);
            }
        }

        @Override
        public boolean schedule(Runnable task, long delayNanos) {
            if (!shut) {
                timers.add(new Timer(now + delayNanos, order++, task, 0));
            }
            return !shut;
        }

        @Override
        public void every(Runnable task, long periodNanos) {
            timers.add(new Timer(now + periodNanos, order++, task, periodNanos));
        }

        @Override
        public void shutdown() {
            shut = true;
            ready.clear();
            timers.clear();
        }
    }
}
