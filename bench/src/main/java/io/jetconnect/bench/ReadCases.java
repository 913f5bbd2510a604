package io.jetconnect.bench;

import io.cloudevents.CloudEvent;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.pipeline.DetachedSource;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.spi.EventSink;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read side, over one file stream filled once with {@code --count} events as the {@code jetstream} sink
 * writes them (structured mode): jnats' raw pipelined pull {@code iterate} loop (the ceiling), its pull
 * {@code fetch} loop, and a {@code replay} source draining the stream into a sink that discards every event. All
 * are timed from connecting to the last event.
 */
final class ReadCases {

    static final String STREAM = "BENCH_READ";
    private static final String PREFIX = "bench.read";
    private static final int BATCH = 256;

    private ReadCases() {
    }

    /** Fills the stream (not timed). */
    static void fill(BenchEnv env) throws Exception {
        RawClient.deleteStream(env.admin, STREAM);
        RawClient.createStream(env.admin, STREAM, PREFIX);
        int count = env.options.count();
        try (Connection connection = RawClient.connect(env.server.url(), 4096)) {
            JetStream js = connection.jetStream();
            Semaphore window = new Semaphore(4096);
            AtomicLong failed = new AtomicLong();
            String subject = BenchEvents.subject(PREFIX);
            for (int i = 0; i < count; i++) {
                String id = BenchEvents.id("f", i);
                window.acquire();
                RawClient.publish(js, subject, id, BenchEvents.structured(env.events.event(id)))
                        .whenComplete((ack, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            }
                            window.release();
                        });
            }
            window.acquire(4096);
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " events could not be stored in " + STREAM);
            }
        }
        RawClient.requireCount(env.admin, STREAM, count);
    }

    /** A raw jnats read loop over the bench stream. */
    @FunctionalInterface
    interface RawReader {
        long read(Connection connection, String stream, int count, int batch) throws Exception;
    }

    /**
     * jnats read with no jetconnect code in the way: the pipelined pull ({@code iterate}, the read ceiling: what any
     * reader built on this client can reach) or the pull fetch loop ({@value #BATCH} messages per fetch, one round
     * trip at a time).
     */
    static final class Raw extends OneRowCase {

        static final String FETCH = "fetch";
        static final String ITERATE = "iterate";
        private final BenchEnv env;
        private final RawReader reader;

        private Raw(BenchEnv env, String row, RawReader reader) {
            super(row);
            this.env = env;
            this.reader = reader;
        }

        static Raw fetch(BenchEnv env) {
            return new Raw(env, FETCH, RawClient::fetchAll);
        }

        static Raw iterate(BenchEnv env) {
            return new Raw(env, ITERATE, RawClient::iterateAll);
        }

        @Override
        RunSample runOnce(int run, double rate) throws Exception {
            int count = env.options.count();
            ProcessProbe.Mark mark = ProcessProbe.mark(env.serverPid());
            long start = System.nanoTime();
            long read;
            try (Connection connection = RawClient.connect(env.server.url(), 1024)) {
                read = reader.read(connection, STREAM, count, BATCH);
            }
            long nanos = System.nanoTime() - start;
            return RunSample.rateOnly(read, nanos, ProcessProbe.since(mark, env.serverPid()));
        }
    }

    /** The {@code replay} plugin's source, loaded from the plugins directory, into a discarding chain. */
    static final class Replay extends OneRowCase {

        static final String ROW = "replay";
        private static final String PIPELINE = "bench-replay";
        private final BenchEnv env;
        private final ResolvedPipeline definition;
        private final LoadedConfig config;

        /** @return a case, or null when no plugin provides the {@code replay} source */
        static Replay createIfAvailable(BenchEnv env) throws Exception {
            return env.plugins.type("replay") == null ? null : new Replay(env);
        }

        private Replay(BenchEnv env) throws Exception {
            super(ROW);
            this.env = env;
            this.config = env.config.load(PIPELINE, env.server.url(),
                    List.of(BenchConfig.stream("in", STREAM, PREFIX)),
                    // The terminal sink is resolved (a pipeline needs one) but never opened: the source emits into
                    // the discarding chain below.
                    List.of(BenchConfig.pipeline(PIPELINE, "{ type = replay, stream = in, cursor = none, "
                            + "batch-size = " + BATCH + " }",
                            List.of(BenchConfig.jetstream("in", PREFIX, 4096, "")))));
            this.definition = BenchConfig.resolve(config, env.plugins, PIPELINE);
        }

        @Override
        RunSample runOnce(int run, double rate) throws Exception {
            int count = env.options.count();
            Discard discard = new Discard(count);
            ProcessProbe.Mark mark = ProcessProbe.mark(env.serverPid());
            long start = System.nanoTime();
            DetachedSource source = DetachedSource.start(definition, discard, env.pipelines(config.settings()));
            try {
                long deadline = System.nanoTime() + LoadDriver.timeoutFor(count, 0);
                while (!discard.all.await(50, TimeUnit.MILLISECONDS)) {
                    if (source.failure().isPresent()) {
                        return RunSample.failed("the replay source failed: " + source.failure().get().getMessage());
                    }
                    if (System.nanoTime() > deadline) {
                        return RunSample.failed("the replay emitted " + discard.count.get() + " of " + count
                                + " events");
                    }
                }
                long nanos = System.nanoTime() - start;
                return RunSample.rateOnly(count, nanos, ProcessProbe.since(mark, env.serverPid()));
            } finally {
                source.close();
            }
        }
    }

    /** Completes every event at once and counts them. */
    private static final class Discard implements EventSink {

        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
        private final long expected;
        private final AtomicLong count = new AtomicLong();
        private final CountDownLatch all = new CountDownLatch(1);

        Discard(long expected) {
            this.expected = expected;
        }

        @Override
        public CompletionStage<Void> emit(CloudEvent event) {
            if (count.incrementAndGet() == expected) {
                all.countDown();
            }
            return DONE;
        }
    }
}
