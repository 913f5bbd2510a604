package io.jetconnect.bench;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.pipeline.DetachedChain;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.nats.client.Connection;
import java.util.List;
import java.util.Locale;

/** The publish side: jnats' {@code publishAsync} loop (the ceiling) and the in-process chains. */
final class PublishCases {

    private PublishCases() {
    }

    /**
     * jnats' raw {@code publishAsync} loop into a fresh file stream per run, {@code Nats-Msg-Id} set, the same
     * producers and window as the chains. The body is one event in the CloudEvents JSON format, serialized once.
     */
    static final class Ceiling extends OneRowCase {

        static final String STREAM = "BENCH_RAW";
        private final BenchEnv env;
        private final byte[] body;

        Ceiling(BenchEnv env, String row) {
            super(row);
            this.env = env;
            this.body = BenchEvents.structured(env.events.event(BenchEvents.id("raw", 0)));
        }

        @Override
        RunSample runOnce(int run, double rate) throws Exception {
            String prefix = "bench.raw";
            RawClient.deleteStream(env.admin, STREAM);
            RawClient.createStream(env.admin, STREAM, prefix);
            Connection connection = RawClient.connect(env.server.url(), env.inFlight());
            try {
                RunSample sample = env.drive(RawClient.publisher(connection.jetStream(), BenchEvents.subject(prefix),
                        "r" + (run + 100), body), rate, env.serverPid());
                if (sample.ok()) {
                    RawClient.requireCount(env.admin, STREAM, env.options.count());
                }
                return sample;
            } finally {
                connection.close();
                RawClient.deleteStream(env.admin, STREAM);
            }
        }
    }

    /**
     * A chain built from the loaded plugins, fed in-process: each event is built as a decoding source builds one
     * and emitted into the head of the chain; its stage completes when the stream stored it. A fresh chain and a
     * fresh stream per run (the sink provisions it, as at startup).
     */
    static final class Chain extends OneRowCase {

        private final BenchEnv env;
        private final String pipeline;
        private final String stream;
        private final ResolvedPipeline definition;
        private final LoadedConfig config;

        /**
         * @param decorators the chain's decorators as {@code pipeline.conf} elements, outermost first; the
         *     {@code jetstream} sink is added after them
         */
        Chain(BenchEnv env, String row, List<String> decorators) throws Exception {
            super(row);
            this.env = env;
            this.pipeline = "bench-" + row;
            String key = row.replace('-', '_');
            this.stream = "BENCH_" + key.toUpperCase(Locale.ROOT);
            String prefix = "bench." + key;
            List<String> sinks = new java.util.ArrayList<>(decorators);
            sinks.add(BenchConfig.jetstream("out", prefix, env.sinkMaxInFlight(), ""));
            this.config = env.config.load(pipeline, env.server.url(),
                    List.of(BenchConfig.stream("out", stream, prefix)),
                    List.of(BenchConfig.pipeline(pipeline, "{ type = http }", sinks)));
            this.definition = BenchConfig.resolve(config, env.plugins, pipeline);
        }

        /** @return the chain {@code [redact, sign(algorithm), dlq, jetstream]} */
        static Chain full(BenchEnv env, String row, String algorithm) throws Exception {
            return new Chain(env, row, List.of(BenchConfig.REDACT,
                    BenchConfig.sign(algorithm, algorithm.equals("ed25519") ? env.ed25519Key : env.hmacKey),
                    BenchConfig.DLQ));
        }

        @Override
        RunSample runOnce(int run, double rate) throws Exception {
            RawClient.deleteStream(env.admin, stream);
            DetachedChain chain = DetachedChain.open(definition, env.pipelines(config.settings()));
            RunSample sample;
            try (chain) {
                sample = env.drive(env.emitter(chain.head(), "c" + (run + 100)), rate, env.serverPid());
            }
            try {
                if (sample.ok()) {
                    RawClient.requireCount(env.admin, stream, env.options.count());
                }
            } finally {
                RawClient.deleteStream(env.admin, stream);
            }
            return sample;
        }
    }
}
