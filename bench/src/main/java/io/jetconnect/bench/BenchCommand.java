package io.jetconnect.bench;

import io.jetconnect.runtime.cli.ClasspathVerb;
import io.jetconnect.runtime.plugin.PluginRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code jetconnect bench}: measures, in one run against one {@code nats-server}, jnats' own publish and fetch
 * loops (the ceilings) and what jetconnect does on top of them: the in-process chains
 * {@code [redact, sign, dlq, jetstream]} with HMAC and with Ed25519, HTTP ingest through the whole runtime, a
 * {@code replay} drain, and the {@code dlq}'s spill and drain around a real broker outage; then the p99 latency of
 * the raw client and the HMAC chain at half the publish ceiling. Prints a table of medians with each figure's
 * ratio to its ceiling, its target, latency, CPU per event, GC time share and peak RSS; {@code --json FILE} writes
 * it too. The plugins are the installation's, loaded and assembled by the runtime's own machinery.
 *
 * <p>Each case runs in a JVM of its own ({@link ForkedCase}) unless {@code --jvm shared}. Cases take turns run by
 * run (see {@link BenchCase}). A case that cannot be set up or fails prints its reason
 * in its row; the others still run. Exit code 0 when every row that could run did, whether or not its target was
 * met (the table says that); 1 when a case failed or nothing could run; 2 for bad arguments.
 *
 * <p>The runtime finds this verb with {@link java.util.ServiceLoader} ({@link ClasspathVerb}) when this module's
 * jar is in {@code lib/}.
 */
public final class BenchCommand implements ClasspathVerb {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String description() {
        return "Measure the hot paths against the raw NATS client (bench --help; docs/performance.md).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(BenchOptions.usage());
            return 0;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.println(BenchOptions.usage());
            return 2;
        }
        Path pluginsDir = options.pluginsDir().orElseGet(BenchCommand::installedPlugins).toAbsolutePath().normalize();
        if (options.natsUrl().isEmpty() && !BenchServer.onPath()) {
            err.println("bench: nats-server is not on PATH; install it (apt-get install nats-server) or give "
                    + "--nats-url");
            return 1;
        }
        Path workDir;
        try {
            workDir = Files.createTempDirectory("jetconnect-bench-");
        } catch (IOException e) {
            err.println("bench: cannot create a working directory: " + e.getMessage());
            return 1;
        }
        try (BenchServer server = options.natsUrl().isPresent() ? BenchServer.external(options.natsUrl().get())
                : BenchServer.spawn(workDir);
             PluginRegistry plugins = PluginRegistry.load(pluginsDir);
             BenchEnv env = new BenchEnv(options, server, plugins, workDir, pluginsDir)) {
            BenchReport report = new BenchReport();
            describe(report, env, pluginsDir);
            double loadAtStart = ProcessProbe.loadAverage();
            boolean ok = new BenchRun(env, report, err).runAll();
            report.machine("load average", String.format(Locale.ROOT, "%.2f at start, %.2f at end (1-minute)",
                    loadAtStart, ProcessProbe.loadAverage()));
            String table = report.format();
            out.print(table);
            if (options.json().isPresent()) {
                Files.writeString(options.json().get(), report.json(), StandardCharsets.UTF_8);
                out.println("written to " + options.json().get());
            }
            return ok ? 0 : 1;
        } catch (Exception e) {
            err.println("bench: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        } finally {
            try {
                BenchFiles.delete(workDir);
            } catch (RuntimeException e) {
                err.println("bench: could not remove " + workDir + ": " + e.getMessage());
            }
        }
    }

    private static Path installedPlugins() {
        String home = System.getProperty("jetconnect.home");
        return home == null ? Path.of("plugins") : Path.of(home, "plugins");
    }

    private static void describe(BenchReport report, BenchEnv env, Path pluginsDir) {
        BenchOptions o = env.options;
        Runtime rt = Runtime.getRuntime();
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        report.machine("machine", String.format(Locale.ROOT, "%d cores, %.1f GiB memory, %s %s", rt
                .availableProcessors(), memory / (double) (1L << 30), System.getProperty("os.name"),
                System.getProperty("os.arch")));
        report.machine("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + String.format(Locale.ROOT, ", max heap %d MiB, ", rt.maxMemory() >> 20)
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("-XX")).toList())
                + (o.jvmPerCase() ? "; each case in a JVM of its own with these flags" : "; every case in this JVM"));
        report.machine("nats-server", env.admin.getServerInfo().getVersion() + (env.server.owned()
                ? " (spawned, file store under " + env.workDir + ")" : " at " + env.server.url()));
        report.machine("events", String.format(Locale.ROOT, "%d bytes in the CloudEvents JSON format (asked %d), "
                        + "%,d per run, median of %d runs after %d warm-up", env.events.structuredSize(), o.size(),
                o.count(), o.runs(), o.warmups()));
        report.machine("load", String.format(Locale.ROOT, "%d producer thread(s) x %d in flight; HTTP: %d "
                + "connections x %d events per request", o.concurrency(), o.window(), o.httpConnections(),
                o.httpBatch()));
        report.machine("plugins", pluginsDir.toString());
    }
}
