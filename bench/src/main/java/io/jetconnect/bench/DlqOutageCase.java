package io.jetconnect.bench;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.RuntimeSettings;
import io.jetconnect.runtime.pipeline.DetachedChain;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.spi.EventSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.nats.client.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A broker outage, for real: the chain {@code [dlq, jetstream]} publishes to a {@code nats-server} of the case's
 * own, which is killed with SIGKILL. One event is emitted to open the way (the sink fails it after its retries, the
 * {@code dlq} spills it and from then on spills everything); once the sink's circuit is open
 * ({@code jetconnect_sink_circuit_state} = 1), {@code --count} events are emitted and each completes when its
 * record is synced to the spill log: the <b>spill</b> rate. Then the server is started again on the same port and
 * store and the {@code dlq} drain action is invoked (as an operator would, so the run does not wait out the
 * drainer's backoff): the <b>drain</b> rate counts from the first drained event to the last, so that the server's
 * restart and the sink's reconnection are left out (they are printed as a note). Each run ends with the stream
 * holding exactly the events emitted.
 *
 * <p>The sink's circuit backoff and the drainer's are capped at 500 ms here (the defaults allow minutes), which
 * only shortens the waits around the measured spans.
 */
final class DlqOutageCase implements BenchCase {

    static final String SPILL = "dlq-spill";
    static final String DRAIN = "dlq-drain";
    private static final String PIPELINE = "bench-dlq";
    private static final String STREAM = "BENCH_DLQ";

    private final BenchEnv env;
    private final BenchServer server;
    private final ResolvedPipeline definition;
    private final RuntimeSettings settings;
    private String lastNote = "";

    DlqOutageCase(BenchEnv env) throws Exception {
        this.env = env;
        this.server = BenchServer.spawn(env.workDir);
        String prefix = "bench.dlq";
        long maxBytes = Math.max(1L << 30, 4L * env.options.count() * (env.options.size() + 512));
        LoadedConfig config = env.config.load(PIPELINE, server.url(),
                List.of(BenchConfig.stream("out", STREAM, prefix)),
                List.of(BenchConfig.pipeline(PIPELINE, "{ type = http }", List.of(
                        BenchConfig.dlq("max-bytes = " + maxBytes + ", drain.backoff.max = 500ms"),
                        BenchConfig.jetstream("out", prefix, env.sinkMaxInFlight(),
                                "backoff { initial = 100ms, max = 500ms }")))));
        this.definition = BenchConfig.resolve(config, env.plugins, PIPELINE);
        this.settings = config.settings();
    }

    @Override
    public List<String> rows() {
        return List.of(SPILL, DRAIN);
    }

    /** @return how long the last run waited for the restarted server before the first drained event */
    @Override
    public Map<String, String> notes() {
        return lastNote.isEmpty() ? Map.of() : Map.of(DRAIN, lastNote);
    }

    @Override
    public Map<String, RunSample> run(int run, double rate) throws Exception {
        BenchFiles.delete(DetachedChain.dataDir(settings, PIPELINE));
        try (Connection admin = RawClient.connect(server.url(), 16)) {
            RawClient.deleteStream(admin, STREAM);
        }
        DetachedChain chain = DetachedChain.open(definition, env.pipelines(settings));
        Map<String, RunSample> out = new LinkedHashMap<>();
        int count = env.options.count();
        try {
            EventSink head = chain.head();
            Gauge circuit = env.meters.find("jetconnect.sink.circuit.state").tag("pipeline", PIPELINE).gauge();
            Gauge depth = env.meters.find("jetconnect.dlq.events").tag("pipeline", PIPELINE).gauge();
            Counter drained = env.meters.find("jetconnect.dlq.drained").tag("pipeline", PIPELINE).counter();
            if (circuit == null || depth == null || drained == null) {
                throw new IllegalStateException("the jetstream sink or the dlq does not export the meters this case "
                        + "watches (jetconnect.sink.circuit.state, jetconnect.dlq.events, jetconnect.dlq.drained)");
            }
            server.kill();
            String prefix = "d" + (run + 100);
            head.emit(env.events.event(BenchEvents.id(prefix + "o", 0))).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            awaitValue(() -> circuit.value() == 1, 30, "the circuit to open");

            // The server is dead: only this process's CPU counts.
            out.put(SPILL, env.drive(env.emitter(head, prefix), rate, -1));
            if (!out.get(SPILL).ok()) {
                out.put(DRAIN, RunSample.failed("no spill to drain"));
                server.restart();
                return out;
            }

            // Counted before the restart: the drainer's own probe may drain an event before this thread looks.
            double before = drained.count();
            long restart = System.nanoTime();
            server.restart();
            env.actions.action(PIPELINE, "dlq", "drain").ifPresent(Runnable::run);
            long deadline = System.nanoTime() + LoadDriver.timeoutFor(count, 0);
            long first = 0;
            ProcessProbe.Mark drainMark = null;
            double atFirst = 0;
            while (depth.value() > 0 || drained.count() - before < count + 1) {
                if (first == 0 && drained.count() > before) {
                    first = System.nanoTime();
                    atFirst = drained.count();
                    drainMark = ProcessProbe.mark(server.pid());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the drain did not finish: " + (drained.count() - before)
                            + " of " + (count + 1) + " drained");
                }
                LockSupport.parkNanos(200_000L);
            }
            long end = System.nanoTime();
            if (first == 0) {
                first = restart;
                drainMark = ProcessProbe.mark(server.pid());
            }
            lastNote = String.format(java.util.Locale.ROOT, "first drained event %.1f s after the restart",
                    (first - restart) / 1e9);
            long measured = (long) (drained.count() - atFirst);
            out.put(DRAIN, RunSample.rateOnly(Math.max(1, measured), Math.max(1, end - first),
                    ProcessProbe.since(drainMark, server.pid())));
        } finally {
            chain.close();
        }
        try (Connection admin = RawClient.connect(server.url(), 16)) {
            RawClient.requireCount(admin, STREAM, count + 1L);
            RawClient.deleteStream(admin, STREAM);
        }
        return out;
    }

    private static void awaitValue(java.util.function.BooleanSupplier condition, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + seconds + " s for " + what);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
