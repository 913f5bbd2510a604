package io.jetconnect.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The options of {@code jetconnect bench}, parsed from its arguments. Every option has a default, so that the
 * command alone measures everything on a 1 KiB event.
 *
 * @param size the size in bytes of an event in the CloudEvents JSON format (what the stream stores)
 * @param count events per run of each case
 * @param runs measured runs of each case; the table shows their median
 * @param warmups unmeasured runs of each case before the measured ones, for the JIT: with one, the C2 compiler was
 *     still at work in the measured runs (about a third of the HTTP case's CPU, when the cases still shared one JVM
 *     and kept changing the type profiles of the code they share)
 * @param concurrency producer threads of the in-process cases and of the raw client
 * @param window events in flight per producer thread
 * @param httpConnections keep-alive connections of the HTTP ingest case, each with one request in flight
 * @param httpBatch events per HTTP request
 * @param natsUrl a server to use instead of spawning {@code nats-server} (the DLQ case still spawns its own)
 * @param only the cases to run; empty for all
 * @param json where to write the table as JSON, if anywhere
 * @param pluginsDir where the plugins load from; empty for the installation's {@code plugins/}
 * @param jvmPerCase each case in a JVM of its own, started with this one's flags, as JMH forks a benchmark: the
 *     type profiles the JIT compiles from are then the case's alone, as in a runtime that runs one pipeline, and
 *     the CPU and peak RSS are the case's; {@code --jvm shared} runs them all in this JVM (one process to profile)
 * @param pipelines pipelines in the runtime of the {@code pipelines} case: one busy, the others idle
 */
record BenchOptions(int size, int count, int runs, int warmups, int concurrency, int window, int httpConnections,
                    int httpBatch,
                    Optional<String> natsUrl, Set<String> only, Optional<Path> json, Optional<Path> pluginsDir,
                    boolean jvmPerCase, int pipelines) {

    /** The case names {@code --only} takes, in the order they run. */
    static final List<String> CASES = List.of("publish", "chain-hmac", "chain-ed25519", "http", "http-tls", "fetch",
            "replay", "dlq", "latency", "layers");

    /** The case that starts {@code --pipelines} pipelines in one runtime; it runs only when named. */
    static final String PIPELINES = "pipelines";
    private static final int DEFAULT_PIPELINES = 100;

    BenchOptions {
        only = Set.copyOf(only);
    }

    /** Options without {@code --pipelines}: its default. */
    BenchOptions(int size, int count, int runs, int warmups, int concurrency, int window, int httpConnections,
                 int httpBatch, Optional<String> natsUrl, Set<String> only, Optional<Path> json,
                 Optional<Path> pluginsDir, boolean jvmPerCase) {
        this(size, count, runs, warmups, concurrency, window, httpConnections, httpBatch, natsUrl, only, json,
                pluginsDir, jvmPerCase, DEFAULT_PIPELINES);
    }

    static BenchOptions defaults() {
        return new BenchOptions(1024, 100_000, 3, 4, 1, 1024, 8, 100, Optional.empty(), Set.of(), Optional.empty(),
                Optional.empty(), true);
    }

    /** @return the options a case's own JVM needs to build and run the case as this JVM would */
    List<String> forCase() {
        return List.of("--size", Integer.toString(size), "--count", Integer.toString(count), "--runs",
                Integer.toString(runs), "--warmup", Integer.toString(warmups), "--concurrency",
                Integer.toString(concurrency), "--window", Integer.toString(window), "--http-connections",
                Integer.toString(httpConnections), "--http-batch", Integer.toString(httpBatch), "--pipelines",
                Integer.toString(pipelines), "--jvm", "shared");
    }

    /** @return whether a case was asked for ({@code --only} absent, or naming it) */
    boolean wants(String name) {
        return only.isEmpty() ? !OPT_IN.contains(name) : only.contains(name);
    }

    /** The cases that run only when {@code --only} names them: the chain one layer at a time, many pipelines. */
    static final Set<String> OPT_IN = Set.of("layers", PIPELINES);

    /**
     * @param args the arguments after the verb ({@code --config} already removed by the CLI)
     * @return the options
     * @throws IllegalArgumentException with a message for the user, on any unknown or malformed option
     */
    static BenchOptions parse(List<String> args) {
        BenchOptions o = defaults();
        int size = o.size;
        int count = o.count;
        int runs = o.runs;
        int warmups = o.warmups;
        int concurrency = o.concurrency;
        int window = o.window;
        int httpConnections = o.httpConnections;
        int httpBatch = o.httpBatch;
        Optional<String> natsUrl = o.natsUrl;
        Set<String> only = new LinkedHashSet<>();
        Optional<Path> json = o.json;
        Optional<Path> pluginsDir = o.pluginsDir;
        boolean jvmPerCase = o.jvmPerCase;
        int pipelines = o.pipelines;
        List<String> rest = new ArrayList<>();
        for (String arg : args) {
            // --name=value and --name value both work.
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                rest.add(arg.substring(0, eq));
                rest.add(arg.substring(eq + 1));
            } else {
                rest.add(arg);
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            String name = rest.get(i);
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + name + "'");
            }
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = rest.get(++i);
            switch (name) {
                case "--size" -> size = positive(name, value, 64);
                case "--count" -> count = positive(name, value, 1);
                case "--runs" -> runs = positive(name, value, 1);
                case "--warmup" -> warmups = number(name, value, 0);
                case "--concurrency" -> concurrency = positive(name, value, 1);
                case "--window" -> window = positive(name, value, 1);
                case "--http-connections" -> httpConnections = positive(name, value, 1);
                case "--http-batch" -> httpBatch = positive(name, value, 1);
                case "--pipelines" -> pipelines = positive(name, value, 1);
                case "--nats-url" -> natsUrl = Optional.of(value);
                case "--json" -> json = Optional.of(Path.of(value));
                case "--plugins-dir" -> pluginsDir = Optional.of(Path.of(value));
                case "--jvm" -> jvmPerCase = switch (value) {
                    case "per-case" -> true;
                    case "shared" -> false;
                    default -> throw new IllegalArgumentException("--jvm takes per-case or shared, not '" + value
                            + "'");
                };
                case "--only" -> {
                    for (String part : value.split(",")) {
                        String c = part.trim().toLowerCase(Locale.ROOT);
                        if (c.isEmpty()) {
                            continue;
                        }
                        if (!CASES.contains(c) && !c.equals(PIPELINES)) {
                            throw new IllegalArgumentException("--only: unknown case '" + c + "'; known: "
                                    + String.join(", ", CASES) + ", " + PIPELINES);
                        }
                        only.add(c);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new BenchOptions(size, count, runs, warmups, concurrency, window, httpConnections, httpBatch, natsUrl,
                only, json, pluginsDir, jvmPerCase, pipelines);
    }

    private static int positive(String name, String value, int min) {
        int n = number(name, value, min);
        if (n < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
        }
        return n;
    }

    private static int number(String name, String value, int min) {
        String v = value.replace("_", "");
        long factor = 1;
        if (v.endsWith("k") || v.endsWith("K")) {
            factor = 1000;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("KiB")) {
            factor = 1024;
            v = v.substring(0, v.length() - 3);
        }
        long n;
        try {
            n = Long.parseLong(v) * factor;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number, not '" + value + "'");
        }
        if (n < min || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + Integer.MAX_VALUE
                    + ", not " + value);
        }
        return (int) n;
    }

    static String usage() {
        return String.join("\n",
                "usage: jetconnect bench [--size BYTES] [--count N] [--runs N] [--warmup N] [--concurrency N]",
                "                        [--window N] [--http-connections N] [--http-batch N] [--nats-url URL]",
                "                        [--pipelines N]",
                "                        [--only CASE,...] [--json FILE] [--plugins-dir DIR] [--jvm per-case|shared]",
                "",
                "Measures the hot paths against the raw NATS client in one run and prints a table.",
                "  --size         bytes of an event in the CloudEvents JSON format (default 1024)",
                "  --count        events per run (default 100000)",
                "  --runs         measured runs per case; the table shows the median (default 3)",
                "  --warmup       unmeasured runs per case before them (default 4)",
                "  --concurrency  producer threads of the in-process cases and the raw client (default 1)",
                "  --window       events in flight per producer thread (default 1024)",
                "  --http-connections  keep-alive connections for HTTP ingest, one request each (default 8)",
                "  --http-batch   events per HTTP request (default 100)",
                "  --nats-url     use this server instead of spawning nats-server (the dlq case still spawns",
                "                 one it can kill)",
                "  --only         " + String.join(",", CASES) + "," + PIPELINES + " (the ceilings always run;",
                "                 layers, the chain one layer at a time, and pipelines run only when named)",
                "  --pipelines    pipelines [http, redact, dlq, jetstream] in one runtime for --only pipelines:",
                "                 time to ready, RSS, threads, NATS connections, /metrics lines, and one busy",
                "                 among them against one alone (default 100)",
                "  --json         also write the table to FILE as JSON",
                "  --plugins-dir  load plugins from DIR (default: the installation's plugins/)",
                "  --jvm          per-case: each case in a JVM of its own, with this one's flags (default);",
                "                 shared: every case in this JVM, one process to profile");
    }
}
