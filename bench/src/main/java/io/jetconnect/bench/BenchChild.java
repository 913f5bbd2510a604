package io.jetconnect.bench;

import io.jetconnect.runtime.plugin.PluginRegistry;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a case's own JVM ({@link ForkedCase}): builds the case against the bench's server, then runs
 * it whenever the bench asks, answering in {@link CaseProtocol} lines on standard output. Anything else this JVM
 * prints (the runtime's log among it) goes to standard error.
 *
 * <p>Arguments: the case's key, the server's URL, its pid (or -1), a working directory, the plugins directory,
 * then the bench's options ({@link BenchOptions#forCase}).
 */
public final class BenchChild {

    private BenchChild() {
    }

    public static void main(String[] args) throws Exception {
        // As the CLI does for every verb but run: the log keeps to warnings.
        System.setProperty("jetconnect.log.level", System.getProperty("jetconnect.log.level", "WARN"));
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length < 5) {
            replies.println(CaseProtocol.reply(CaseProtocol.FAILED, "usage: BenchChild KEY NATS-URL PID WORK-DIR "
                    + "PLUGINS-DIR [bench options]"));
            System.exit(2);
        }
        String key = args[0];
        BenchOptions options = BenchOptions.parse(List.of(args).subList(5, args.length));
        Path workDir = Path.of(args[3]);
        Path pluginsDir = Path.of(args[4]);
        BenchServer server = BenchServer.borrowed(args[1], Long.parseLong(args[2]));
        try (PluginRegistry plugins = PluginRegistry.load(pluginsDir);
             BenchEnv env = new BenchEnv(options, server, plugins, workDir, pluginsDir)) {
            BenchCase benchCase;
            try {
                benchCase = BenchCases.create(key, env);
            } catch (BenchRun.Unavailable e) {
                replies.println(CaseProtocol.reply(CaseProtocol.UNAVAILABLE, e.getMessage()));
                return;
            } catch (Exception | LinkageError | OutOfMemoryError e) {
                // Out of memory is a figure of the pipelines case (direct buffers of one connection per pipeline),
                // not a reason to leave the bench waiting for a reply.
                replies.println(CaseProtocol.reply(CaseProtocol.FAILED, (e instanceof OutOfMemoryError
                        ? "OutOfMemoryError: " : "") + BenchRun.describe(e)));
                return;
            }
            try (benchCase) {
                replies.println(CaseProtocol.reply(CaseProtocol.READY));
                serve(benchCase, replies);
            }
        }
    }

    private static void serve(BenchCase benchCase, PrintStream replies) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            String[] fields = line.split("\t", -1);
            if (fields[0].equals(CaseProtocol.CLOSE)) {
                return;
            }
            if (!fields[0].equals(CaseProtocol.RUN) || fields.length != 3) {
                throw new IllegalArgumentException("unknown command '" + line + "'");
            }
            Map<String, RunSample> samples;
            try {
                samples = benchCase.run(Integer.parseInt(fields[1]), Double.parseDouble(fields[2]));
            } catch (Exception | LinkageError e) {
                String why = BenchRun.describe(e);
                samples = new java.util.LinkedHashMap<>();
                for (String row : benchCase.rows()) {
                    samples.put(row, RunSample.failed(why));
                }
            }
            samples.forEach((row, sample) -> replies.println(CaseProtocol.sample(row, sample)));
            benchCase.notes().forEach((row, note) -> replies.println(CaseProtocol.reply(CaseProtocol.NOTE, row,
                    note)));
            replies.println(CaseProtocol.reply(CaseProtocol.END));
        }
    }
}
