package io.jetconnect.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The order of a bench: the publish side (the raw ceiling, the chains, HTTP ingest, the dlq outage) in rounds, one
 * run of each case per round after the warm-up rounds; then the read side (fill a stream, then the raw fetch loop
 * and the replay source in rounds); then the latency rows at half the publish ceiling just measured. Each case is
 * set up once, in a JVM of its own unless {@code --jvm shared}, and closed after its side's rounds. Progress goes
 * to {@code err}, one line per run.
 */
final class BenchRun {

    static final String PUBLISH = "publish";
    static final String CHAIN_HMAC = "chain-hmac";
    static final String CHAIN_ED25519 = "chain-ed25519";
    static final String PUBLISH_HALF = "publish-half";
    static final String CHAIN_HMAC_HALF = "chain-hmac-half";
    /** Opt-in ({@code --only layers}): the chain one layer at a time, to see what each costs. */
    static final String LAYERS = "layers";
    static final List<String> LAYER_ROWS = List.of("layer-jetstream", "layer-dlq", "layer-sign", "layer-redact");
    /**
     * Opt-in ({@code --only pipelines}): one pipeline busy among {@code --pipelines} in one runtime, against one
     * alone in a runtime of its own; each row's note has its runtime's start-up time, RSS, threads and connections.
     */
    static final String PIPELINES = BenchOptions.PIPELINES;
    static final String PIPELINES_ALONE = "pipelines-alone";
    /** Opt-in with {@code pipelines}: {@link #BUSY} pipelines busy at once among {@code --pipelines}. */
    static final String PIPELINES_BUSY = "pipelines-busy";
    /** How many pipelines {@link #PIPELINES_BUSY} keeps busy at once, at most (issue 19's measure). */
    static final int BUSY = 100;
    /** The chain of every pipeline of {@code --only pipelines}, after the http source (issue 19's measure). */
    static final List<String> PIPELINE_CHAIN = List.of(BenchConfig.REDACT, BenchConfig.DLQ);

    private final BenchEnv env;
    private final BenchReport report;
    private final PrintStream err;
    private final BenchOptions options;
    private boolean failed;

    BenchRun(BenchEnv env, BenchReport report, PrintStream err) {
        this.env = env;
        this.report = report;
        this.err = err;
        this.options = env.options;
    }

    /** @return false if any case failed */
    boolean runAll() throws Exception {
        defineRows();
        boolean latency = options.wants("latency");
        if (publishSide()) {
            List<BenchCase> cases = new ArrayList<>();
            add(cases, PUBLISH);
            for (String key : List.of(CHAIN_HMAC, CHAIN_ED25519)) {
                if (options.wants(key)) {
                    add(cases, key);
                }
            }
            if (options.only().contains(LAYERS)) {
                LAYER_ROWS.forEach(key -> add(cases, key));
            }
            if (options.wants("http")) {
                add(cases, HttpIngestCase.ROW);
            }
            if (options.wants(HttpIngestCase.TLS_ROW)) {
                add(cases, HttpIngestCase.TLS_ROW);
            }
            if (options.wants(PIPELINES)) {
                add(cases, PIPELINES_ALONE);
                add(cases, PIPELINES);
                add(cases, PIPELINES_BUSY);
            }
            if (options.wants("dlq")) {
                add(cases, DlqOutageCase.SPILL);
            }
            rounds(cases, 0);
            for (BenchCase c : cases) {
                c.notes().forEach((row, note) -> report.row(row).note = note);
            }
            closeAll(cases);
        }
        if (readSide()) {
            List<BenchCase> cases = new ArrayList<>();
            try {
                progress("filling stream " + ReadCases.STREAM + " with " + options.count() + " events");
                ReadCases.fill(env);
                add(cases, ReadCases.Raw.FETCH);
                add(cases, ReadCases.Raw.ITERATE);
                if (options.wants("replay")) {
                    add(cases, ReadCases.Replay.ROW);
                }
                rounds(cases, 0);
            } finally {
                closeAll(cases);
                RawClient.deleteStream(env.admin, ReadCases.STREAM);
            }
        }
        if (latency) {
            BenchReport.Row ceiling = report.row(PUBLISH);
            if (!ceiling.measured()) {
                unavailable(List.of(PUBLISH_HALF, CHAIN_HMAC_HALF), "the publish ceiling was not measured");
            } else {
                double rate = ceiling.rate() / 2;
                report.note(String.format(Locale.ROOT, "half-rate rows: sent at %,.0f events/s (half the publish "
                        + "ceiling), latency counted from each event's due time", rate));
                List<BenchCase> cases = new ArrayList<>();
                add(cases, PUBLISH_HALF);
                add(cases, CHAIN_HMAC_HALF);
                try {
                    rounds(cases, rate);
                } finally {
                    closeAll(cases);
                }
            }
        }
        return !failed;
    }

    private void defineRows() {
        String chain = "[redact, sign(%s), dlq, jetstream]";
        report.define(PUBLISH, "raw jnats publishAsync (publish ceiling)", null);
        report.define(CHAIN_HMAC, "chain " + String.format(chain, "hmac-sha256"),
                BenchReport.Target.ratio(PUBLISH, 0.90));
        report.define(CHAIN_ED25519, "chain " + String.format(chain, "ed25519"),
                BenchReport.Target.ratio(PUBLISH, 0.35));
        if (options.only().contains(LAYERS)) {
            List<String> labels = List.of("[jetstream]", "[dlq, jetstream]", "[sign(hmac-sha256), dlq, jetstream]",
                    "[redact, dlq, jetstream]");
            for (int i = 0; i < LAYER_ROWS.size(); i++) {
                report.define(LAYER_ROWS.get(i), "  layers: " + labels.get(i), BenchReport.Target.info(PUBLISH));
            }
        }
        report.define(HttpIngestCase.ROW, String.format(Locale.ROOT, "HTTP ingest, %d x %d-event batches, hmac chain",
                options.httpConnections(), options.httpBatch()), BenchReport.Target.ratio(PUBLISH, 0.60));
        report.define(HttpIngestCase.TLS_ROW, String.format(Locale.ROOT,
                "HTTPS ingest, %d x %d-event batches, hmac chain", options.httpConnections(),
                options.httpBatch()), BenchReport.Target.ratio(PUBLISH, 0.60));
        if (options.wants(PIPELINES)) {
            String pipeline = "[http, redact, dlq, jetstream]";
            report.define(PIPELINES_ALONE, "one pipeline " + pipeline + " alone",
                    BenchReport.Target.info(PUBLISH));
            report.define(PIPELINES, String.format(Locale.ROOT, "one busy among %,d such pipelines",
                    options.pipelines()), BenchReport.Target.ratio(PIPELINES_ALONE, 0.90));
            report.define(PIPELINES_BUSY, String.format(Locale.ROOT, "%,d busy together among %,d, all their events",
                    Math.min(BUSY, options.pipelines()), options.pipelines()),
                    BenchReport.Target.ratio(PIPELINES_ALONE, 0.80));
        }
        report.define(DlqOutageCase.SPILL, "dlq spill, broker killed (circuit open)",
                BenchReport.Target.ratio(PUBLISH, 1.0));
        report.define(DlqOutageCase.DRAIN, "dlq drain after the restart", BenchReport.Target.ratio(PUBLISH, 0.80));
        report.define(ReadCases.Raw.ITERATE, "raw jnats iterate, pipelined pulls of 256 (read ceiling)", null);
        report.define(ReadCases.Raw.FETCH, "raw jnats fetch, batches of 256",
                BenchReport.Target.info(ReadCases.Raw.ITERATE));
        report.define(ReadCases.Replay.ROW, "replay source drain into a discarding sink",
                BenchReport.Target.ratio(ReadCases.Raw.ITERATE, 0.90));
        report.define(PUBLISH_HALF, "raw publishAsync at half the ceiling's rate", null);
        report.define(CHAIN_HMAC_HALF, "chain hmac at half the ceiling's rate", BenchReport.Target.p99(PUBLISH_HALF, 2));
        for (BenchReport.Row row : report.rows()) {
            if (!asked(row.key)) {
                row.unavailable = "not asked for (--only)";
            }
        }
    }

    /** @return whether {@code --only} lets a row run; the ceilings run whenever a row compared with them does */
    private boolean asked(String row) {
        return switch (row) {
            case PUBLISH -> publishSide();
            case ReadCases.Raw.FETCH, ReadCases.Raw.ITERATE -> readSide();
            case DlqOutageCase.SPILL, DlqOutageCase.DRAIN -> options.wants("dlq");
            case PUBLISH_HALF, CHAIN_HMAC_HALF -> options.wants("latency");
            case "layer-jetstream", "layer-dlq", "layer-sign", "layer-redact" -> options.only().contains(LAYERS);
            case PIPELINES_ALONE, PIPELINES_BUSY -> options.wants(PIPELINES);
            default -> options.wants(row);
        };
    }

    private boolean publishSide() {
        return options.wants(PUBLISH) || options.only().contains(LAYERS) || options.wants(CHAIN_HMAC) || options.wants(CHAIN_ED25519)
                || options.wants(HttpIngestCase.ROW) || options.wants(HttpIngestCase.TLS_ROW) || options.wants("dlq") || options.wants("latency")
                || options.wants(PIPELINES);
    }

    private boolean readSide() {
        return options.wants(ReadCases.Raw.FETCH) || options.wants(ReadCases.Replay.ROW);
    }

    /** A case that cannot run here; its rows print the reason. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Sets up a case, in a JVM of its own unless {@code --jvm shared}; a case that cannot be set up has its rows say
     * why.
     */
    private void add(List<BenchCase> cases, String key) {
        try {
            progress("setting up " + key);
            cases.add(options.jvmPerCase() ? ForkedCase.start(env, key) : BenchCases.create(key, env));
        } catch (Unavailable e) {
            unavailable(BenchCases.rowsOf(key), e.getMessage());
        } catch (Exception | LinkageError e) {
            failed = true;
            unavailable(BenchCases.rowsOf(key), "cannot set up: " + describe(e));
            err.println("bench: " + key + ": cannot set up: " + describe(e));
        }
    }

    private void unavailable(List<String> rows, String why) {
        for (String row : rows) {
            report.row(row).unavailable = why;
        }
    }

    private void rounds(List<BenchCase> cases, double rate) {
        rounds(cases, rate, options.warmups());
    }

    private void rounds(List<BenchCase> cases, double rate, int warmups) {
        for (int w = 0; w < warmups; w++) {
            for (BenchCase c : cases) {
                once(c, -1 - w, rate, true);
            }
        }
        for (int r = 0; r < options.runs(); r++) {
            for (BenchCase c : cases) {
                once(c, r, rate, false);
            }
        }
    }

    private void once(BenchCase c, int run, double rate, boolean warmup) {
        Map<String, RunSample> samples;
        try {
            samples = c.run(run, rate);
        } catch (Exception | LinkageError e) {
            String why = describe(e);
            samples = new java.util.LinkedHashMap<>();
            for (String row : c.rows()) {
                samples.put(row, RunSample.failed(why));
            }
        }
        for (Map.Entry<String, RunSample> entry : samples.entrySet()) {
            RunSample s = entry.getValue();
            String what = warmup ? "warm-up" : "run " + (run + 1) + "/" + options.runs();
            if (s.ok()) {
                progress(String.format(Locale.ROOT, "%-16s %-12s %,10.0f events/s%s", entry.getKey(), what,
                        s.rate(), Double.isNaN(s.p99Millis()) ? ""
                                : String.format(Locale.ROOT, "  p99 %.2f ms", s.p99Millis())));
            } else {
                progress(String.format(Locale.ROOT, "%-16s %-12s failed: %s", entry.getKey(), what, s.error()));
            }
            if (!warmup) {
                report.row(entry.getKey()).samples.add(s);
            }
            if (!s.ok() && !warmup) {
                failed = true;
            }
        }
    }

    private void closeAll(List<BenchCase> cases) {
        for (BenchCase c : cases) {
            try {
                c.close();
            } catch (Exception e) {
                err.println("bench: closing a case: " + describe(e));
            }
        }
    }

    private void progress(String line) {
        err.println("bench: " + line);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
