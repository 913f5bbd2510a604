package io.jetconnect.plugins.replay;

import io.jetconnect.nats.NatsEventReader;
import io.cloudevents.CloudEvent;
import io.jetconnect.spi.EventSink;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestContexts;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Compares the replay source with jnats' raw pull-fetch loop over the same file stream of 1 KiB CloudEvents on a
 * spawned nats-server: the raw loop fetches batches with an ack-less pull consumer and only touches each message;
 * the replay source parses each one into a CloudEvent and emits it to a chain that discards it. Runs alternate,
 * each timed from connecting to the last event; prints the median of each and their ratio (replay / raw).
 *
 * <pre>
 * ./mvnw -q -pl plugins/replay test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jetconnect.plugins.replay.ReplayThroughput [-Devents=200000 -Druns=5 -Dwarmups=3]
 * </pre>
 */
public final class ReplayThroughput {

    private static final String STREAM = "BENCH";
    private static final int MESSAGE_BYTES = 1024;

    private ReplayThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("events", 200_000);
        int runs = Integer.getInteger("runs", 5);
        int batch = Integer.getInteger("batch", 256);
        try (NatsServer server = NatsServer.spawn(); TestStreams streams = new TestStreams(server.url())) {
            streams.create(STREAM, -1);
            int dataBytes = MESSAGE_BYTES - TestStreams.FORMAT.serialize(TestStreams.event(events, 0)).length;
            streams.publish(STREAM, 1, events, dataBytes);
            System.out.printf("%d events of %d bytes in file stream %s; batch %d; %d runs each%n", events,
                    TestStreams.FORMAT.serialize(TestStreams.event(events, dataBytes)).length, STREAM, batch, runs);
            if (Boolean.getBoolean("replayOnly")) {
                // For a profiler: the replay alone, again and again.
                for (int i = 0; i < runs; i++) {
                    System.out.printf("replay %.0f events/s%n", replay(server.url(), events, batch));
                }
                return;
            }
            int warmups = Integer.getInteger("warmups", 3);
            for (int i = 0; i < warmups; i++) {
                // The JIT needs a few rounds of each path (Jackson's above all) before the numbers settle.
                rawFetch(server.url(), events, batch);
                rawIterate(server.url(), events, batch, true);
                replay(server.url(), events, batch);
            }
            double[] raw = new double[runs];
            double[] iterate = new double[runs];
            double[] parse = new double[runs];
            double[] replay = new double[runs];
            for (int i = 0; i < runs; i++) {
                raw[i] = rawFetch(server.url(), events, batch);
                iterate[i] = rawIterate(server.url(), events, batch, false);
                parse[i] = rawIterate(server.url(), events, batch, true);
                replay[i] = replay(server.url(), events, batch);
                System.out.printf("run %d: raw fetch %.0f/s, raw iterate %.0f/s, iterate + SDK parse %.0f/s, "
                        + "replay %.0f/s%n", i + 1, raw[i], iterate[i], parse[i], replay[i]);
            }
            double replayMedian = median(replay);
            System.out.printf("median events/s: raw fetch %.0f, raw iterate %.0f, iterate + SDK parse %.0f, "
                    + "replay %.0f%n", median(raw), median(iterate), median(parse), replayMedian);
            System.out.printf("ratio replay / raw fetch %.2f (target >= 0.90); replay / raw iterate %.2f; "
                    + "replay / (iterate + SDK parse) %.2f%n", replayMedian / median(raw),
                    replayMedian / median(iterate), replayMedian / median(parse));
        }
    }

    /** @return events per second of a pull-fetch loop that only touches each message */
    static double rawFetch(String url, int events, int batch) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = Nats.connect(url)) {
            ConsumerConfiguration config = ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
                    .deliverPolicy(DeliverPolicy.All).memStorage(true).numReplicas(1)
                    .inactiveThreshold(Duration.ofMinutes(1)).build();
            JetStreamSubscription subscription = connection.jetStream().subscribe(null,
                    PullSubscribeOptions.builder().stream(STREAM).configuration(config).build());
            long seen = 0;
            long bytes = 0;
            while (seen < events) {
                List<Message> messages = subscription.fetch(batch, Duration.ofSeconds(2));
                for (Message message : messages) {
                    bytes += message.getData().length + message.metaData().streamSequence();
                }
                seen += messages.size();
            }
            long nanos = System.nanoTime() - start;
            if (bytes == 0) {
                throw new IllegalStateException("nothing read");
            }
            subscription.unsubscribe();
            return events * 1e9 / nanos;
        }
    }

    /**
     * @return events per second of jnats' pipelined pull ({@code iterate}: the next pull request goes out before
     *     the last batch is used up) that only touches each message, the ceiling for any reader of this client;
     *     with {@code parse}, each message is also read into a CloudEvent as the replay source does
     */
    static double rawIterate(String url, int events, int batch, boolean parse) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = Nats.connect(url)) {
            ConsumerConfiguration config = ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
                    .deliverPolicy(DeliverPolicy.All).memStorage(true).numReplicas(1)
                    .inactiveThreshold(Duration.ofMinutes(1)).build();
            ConsumerContext consumer = connection.getStreamContext(STREAM).createOrUpdateConsumer(config);
            long seen = 0;
            long bytes = 0;
            try (IterableConsumer messages = consumer.iterate(ConsumeOptions.builder().batchSize(batch).build())) {
                while (seen < events) {
                    Message message = messages.nextMessage(2000);
                    if (message != null) {
                        bytes += message.getData().length + message.metaData().streamSequence();
                        if (parse) {
                            bytes += NatsEventReader.read(message).getId().length();
                        }
                        seen++;
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            if (bytes == 0) {
                throw new IllegalStateException("nothing read");
            }
            return events * 1e9 / nanos;
        }
    }

    /** @return events per second of the replay source draining into a chain that discards every event */
    static double replay(String url, int events, int batch) throws Exception {
        Discard chain = new Discard(events);
        TestContexts contexts = TestContexts.of("replay").nats(url)
                .config("stream = " + STREAM + "\nbatch-size = " + batch + "\nprogress-interval = 1m");
        ReplaySource source = new ReplaySource();
        var context = contexts.source(chain);
        long start = System.nanoTime();
        source.start(context);
        if (!chain.all.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the replay did not finish: " + chain.count + " events");
        }
        long nanos = System.nanoTime() - start;
        source.stop();
        return events * 1e9 / nanos;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Completes every event at once and counts them; emit is called from the source's one thread. */
    private static final class Discard implements EventSink {

        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
        private final int expected;
        private final CountDownLatch all = new CountDownLatch(1);
        private volatile int count;

        Discard(int expected) {
            this.expected = expected;
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            int n = count + 1;
            count = n;
            if (n == expected) {
                all.countDown();
            }
            return DONE;
        }
    }
}
