package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/jetconnect VERB [--config FILE] [ARGS]}: the built-in verbs ({@link Verbs}: {@code run}, {@code check},
 * {@code plugins}, {@code top}, each with {@code --help}), the verbs jars in {@code lib/} add ({@link ClasspathVerb}:
 * {@code bench}) and the verbs plugins provide (such as {@code tail}, {@code verify}). Exit codes: 0 success, 1 failure or invalid configuration, 2 usage, 3 {@code check --connect}
 * found the broker not ready, 4 an error ended the process ({@link FatalErrors}; docs/operations.md).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        FatalErrors.install(System.err);
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (Error e) {
            // The verbs turn exceptions into exit codes; an error (out of memory starting the pipelines) would end
            // only this thread and leave the process running without them.
            FatalErrors.exit(Thread.currentThread(), e);
            return;
        }
        if (code != RunCommand.KEEP_RUNNING) {
            System.exit(code);
        }
    }

    /** Runs a verb; returns its exit code ({@code run} returns only when the process should exit). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String verb = args.length == 0 ? "" : args[0];
        if (!verb.equals("run")) {
            // Only run logs at INFO; the other verbs print their results and keep the log to warnings.
            System.setProperty("jetconnect.log.level", System.getProperty("jetconnect.log.level", "WARN"));
        }
        Map<String, ClasspathVerb> extra = Verbs.classpathVerbs();
        if (verb.isEmpty() || verb.startsWith("-") || Verbs.BUILT_IN.contains(verb) || extra.containsKey(verb)) {
            return Verbs.commandLine(extra, out, err).execute(args);
        }
        return pluginVerb(verb, new ArrayList<>(List.of(args).subList(1, args.length)), out, err);
    }

    /** A verb a plugin provides: its arguments go to it as they are, but for {@code --config FILE}. */
    private static int pluginVerb(String verb, List<String> rest, PrintStream out, PrintStream err) {
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
        return new PluginVerb(ConfigLocation.resolve(config), out, err).run(verb, rest);
    }
}
