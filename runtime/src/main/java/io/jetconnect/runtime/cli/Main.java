package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/jetconnect VERB [--config FILE] [ARGS]}: {@code run}, {@code check}, {@code plugins}, and the verbs
 * plugins provide (such as {@code verify}). Exit codes: 0 success, 1 failure or invalid configuration, 2 usage,
 * 3 {@code check --connect} found the broker not ready (docs/operations.md).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != RunCommand.KEEP_RUNNING) {
            System.exit(code);
        }
    }

    /** Runs a verb; returns its exit code ({@code run} returns only when the process should exit). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String verb = args[0];
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        String config = null;
        for (int i = 0; i < rest.size(); i++) {
            if (rest.get(i).equals("--config")) {
                if (i + 1 >= rest.size()) {
                    err.println("--config needs a file");
                    return 2;
                }
                config = rest.get(i + 1);
                rest.remove(i + 1);
                rest.remove(i);
                break;
            }
            if (rest.get(i).startsWith("--config=")) {
                config = rest.remove(i).substring("--config=".length());
                break;
            }
        }
        if (!verb.equals("run")) {
            // Only run logs at INFO; the other verbs print their results and keep the log to warnings.
            System.setProperty("jetconnect.log.level", System.getProperty("jetconnect.log.level", "WARN"));
        }
        ConfigLocation location = ConfigLocation.resolve(config);
        return switch (verb) {
            case "run" -> new RunCommand(location, out, err).run(rest);
            case "check" -> new CheckCommand(location, out, err).run(rest);
            case "plugins" -> new PluginsCommand(location, out, err).run(rest);
            case "bench" -> new io.jetconnect.runtime.bench.BenchCommand(out, err).run(rest);
            default -> new PluginVerb(location, out, err).run(verb, rest);
        };
    }

    static void usage(PrintStream out) {
        out.println("usage: jetconnect VERB [--config FILE] [ARGS]");
        out.println();
        out.println("  run       start the pipelines of pipeline.conf; stops gracefully on SIGTERM/SIGINT");
        out.println("  check     validate pipeline.conf and print each pipeline's source and chain;");
        out.println("            --connect also checks the broker: reachable, JetStream on, streams compatible");
        out.println("  plugins   list the loaded plugins, their versions and type names");
        out.println("  bench     measure the hot paths against the raw NATS client (bench --help; docs/performance.md)");
        out.println("  VERB      a verb provided by a plugin (see 'jetconnect plugins'), e.g. verify");
        out.println();
        out.println("--config FILE defaults to config/pipeline.conf in the working directory, else the one in");
        out.println("the installation. Every key can be overridden: -Djetconnect.http.port=9000 (in JETCONNECT_OPTS)");
        out.println("or CONFIG_FORCE_jetconnect_http_port=9000 ('_' is '.', '__' is '-'; docs/configuration.md).");
    }
}
