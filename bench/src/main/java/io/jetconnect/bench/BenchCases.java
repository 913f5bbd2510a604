package io.jetconnect.bench;

import java.util.List;

/**
 * Every case the bench knows, by key: builds one in this JVM ({@link #create}), whether that JVM is the bench's own
 * ({@code --jvm shared}) or one started for the case ({@link BenchChild}). A case's key is the key of its first row.
 */
final class BenchCases {

    private BenchCases() {
    }

    /** @return the rows a case gives per run */
    static List<String> rowsOf(String key) {
        return key.equals(DlqOutageCase.SPILL) ? List.of(DlqOutageCase.SPILL, DlqOutageCase.DRAIN) : List.of(key);
    }

    /**
     * @throws BenchRun.Unavailable when the case cannot run here (its rows print why)
     * @throws IllegalArgumentException for a key that names no case
     */
    static BenchCase create(String key, BenchEnv env) throws Exception {
        return switch (key) {
            case BenchRun.PUBLISH, BenchRun.PUBLISH_HALF -> new PublishCases.Ceiling(env, key);
            case BenchRun.CHAIN_HMAC, BenchRun.CHAIN_HMAC_HALF -> PublishCases.Chain.full(env, key, "hmac-sha256");
            case BenchRun.CHAIN_ED25519 -> PublishCases.Chain.full(env, key, "ed25519");
            case "layer-jetstream" -> new PublishCases.Chain(env, key, List.of());
            case "layer-dlq" -> new PublishCases.Chain(env, key, List.of(BenchConfig.DLQ));
            case "layer-sign" -> new PublishCases.Chain(env, key,
                    List.of(BenchConfig.sign("hmac-sha256", env.hmacKey), BenchConfig.DLQ));
            case "layer-redact" -> new PublishCases.Chain(env, key, List.of(BenchConfig.REDACT, BenchConfig.DLQ));
            case HttpIngestCase.ROW -> new HttpIngestCase(env, false);
            case HttpIngestCase.TLS_ROW -> new HttpIngestCase(env, true);
            case BenchRun.PIPELINES_ALONE -> new HttpIngestCase(env, key, false, BenchRun.PIPELINE_CHAIN, 0);
            case BenchRun.PIPELINES -> new HttpIngestCase(env, key, false, BenchRun.PIPELINE_CHAIN,
                    env.options.pipelines() - 1);
            case BenchRun.PIPELINES_BUSY -> new HttpIngestCase(env, key, false, BenchRun.PIPELINE_CHAIN,
                    env.options.pipelines() - 1, Math.min(BenchRun.BUSY, env.options.pipelines()));
            case DlqOutageCase.SPILL -> {
                if (!BenchServer.onPath()) {
                    throw new BenchRun.Unavailable("needs nats-server on PATH to kill and restart");
                }
                yield new DlqOutageCase(env);
            }
            case ReadCases.Raw.FETCH -> ReadCases.Raw.fetch(env);
            case ReadCases.Raw.ITERATE -> ReadCases.Raw.iterate(env);
            case ReadCases.Replay.ROW -> {
                BenchCase replay = ReadCases.Replay.createIfAvailable(env);
                if (replay == null) {
                    throw new BenchRun.Unavailable("no plugin in " + env.pluginsDir + " provides the replay source");
                }
                yield replay;
            }
            default -> throw new IllegalArgumentException("no bench case '" + key + "'");
        };
    }
}
