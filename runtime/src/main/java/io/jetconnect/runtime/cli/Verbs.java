package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.BuildVersion;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The built-in verbs as picocli commands: {@code --help} on each, {@code --version}, {@code help VERB} and
 * {@code generate-completion} (a bash/zsh completion script). Each verb declares the options its help shows and
 * hands anything else, unchanged, to the command class that does the work, which keeps its own checks and exit
 * codes; so a verb can grow an option in its command class before its help names it. Verbs that jars in
 * {@code lib/} add ({@link ClasspathVerb}, such as {@code bench}) are subcommands too, their arguments handed over
 * as they are. Verbs that plugins provide are not known before the plugins load: {@link Main} sends them to
 * {@link PluginVerb}, which gives them their arguments as they are.
 */
final class Verbs {

    private static final Logger LOG = LoggerFactory.getLogger(Verbs.class);

    /** The verbs picocli parses; any other first word is a plugin's verb. */
    static final Set<String> BUILT_IN = Set.of("run", "check", "config", "plugins", "top", "help",
            "generate-completion");

    private Verbs() {
    }

    /** @return the verbs that jars on the class path add, by name; one that takes a built-in's name is ignored */
    static Map<String, ClasspathVerb> classpathVerbs() {
        return classpathVerbs(Verbs.class.getClassLoader());
    }

    /** As {@link #classpathVerbs()}, from a loader's {@code META-INF/services}; a verb that cannot load is skipped. */
    static Map<String, ClasspathVerb> classpathVerbs(ClassLoader loader) {
        Map<String, ClasspathVerb> verbs = new TreeMap<>();
        Iterator<ClasspathVerb> found = ServiceLoader.load(ClasspathVerb.class, loader).iterator();
        while (true) {
            // One broken jar in lib/ must not take every verb, run among them, down with it.
            try {
                if (!found.hasNext()) {
                    return verbs;
                }
                ClasspathVerb verb = found.next();
                if (!BUILT_IN.contains(verb.name())) {
                    verbs.putIfAbsent(verb.name(), verb);
                }
            } catch (ServiceConfigurationError e) {
                LOG.warn("a verb of a jar in lib/ cannot be loaded: {}", e.getMessage());
            }
        }
    }

    /**
     * @param extra the verbs that jars on the class path add ({@link #classpathVerbs()})
     * @return the command line of the built-in verbs and those, printing to {@code out} and {@code err}
     */
    static CommandLine commandLine(Map<String, ClasspathVerb> extra, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Top(out));
        line.addSubcommand("run", new Run(out, err));
        line.addSubcommand("check", new Check(out, err));
        CommandLine config = new CommandLine(new Config(out));
        config.addSubcommand("push", new Push(out, err));
        line.addSubcommand("config", config);
        line.addSubcommand("plugins", new Plugins(out, err));
        line.addSubcommand("top", new TopVerb(out, err));
        extra.forEach((name, verb) -> {
            CommandLine sub = new CommandLine(new Handover(verb, out, err));
            sub.getCommandSpec().usageMessage().description(verb.description());
            line.addSubcommand(name, sub);
        });
        line.addSubcommand("help", new CommandLine.HelpCommand());
        line.addSubcommand("generate-completion", new AutoComplete.GenerateCompletion());
        // Arguments are taken literally: no @file expansion (a verb's value may start with @).
        line.setExpandAtFiles(false);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line;
    }

    /** {@code --version}: the Maven build's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jetconnect " + BuildVersion.version()};
        }
    }

    @Command(name = "jetconnect", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "CloudEvents into NATS JetStream through pipelines of plugins.",
            footer = {"", "Verbs of plugins (see 'jetconnect plugins'), e.g. tail and verify:",
                    "  jetconnect VERB --help", "",
                    "--config FILE: by default config/pipeline.conf here, else the installation's.",
                    "Every key can be overridden: -Djetconnect.http.port=9000 (in JETCONNECT_OPTS) or",
                    "CONFIG_FORCE_jetconnect_http_port=9000 ('_' is '.', '__' is '-'; docs/configuration.md).",
                    "Exit codes: 0 success, 1 failure or invalid configuration, 2 usage,",
                    "3 check --connect found the broker not ready, 4 an error (out of memory) ended the process."})
    static final class Top extends Usage {
        Top(PrintStream out) {
            super(out);
        }
    }

    /** A command that only groups verbs: without one, it prints its usage (exit 2). */
    abstract static class Usage implements Callable<Integer> {
        private final PrintStream out;
        @Spec
        CommandSpec spec;

        Usage(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(out);
            return 2;
        }
    }

    /** What every verb that reads pipeline.conf takes; its work is done by a {@link ConfigCommand}. */
    abstract static class ConfigVerb implements Callable<Integer> {
        final PrintStream out;
        final PrintStream err;
        private final ConfigCommand.Factory command;

        @Option(names = "--config", paramLabel = "FILE", description = "the pipeline.conf to read")
        String config;

        @Unmatched
        List<String> rest = new ArrayList<>();

        ConfigVerb(PrintStream out, PrintStream err, ConfigCommand.Factory command) {
            this.out = out;
            this.err = err;
            this.command = command;
        }

        ConfigLocation location() {
            return ConfigLocation.resolve(config);
        }

        /** Hands the words picocli did not parse to the command. */
        @Override
        public Integer call() {
            return run(command, rest);
        }

        int run(ConfigCommand.Factory factory, List<String> args) {
            return factory.create(location(), out, err).run(args);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Start the pipelines of pipeline.conf. SIGTERM/SIGINT stop gracefully (exit 0); "
                    + "SIGHUP reloads pipeline.conf."})
    static final class Run extends ConfigVerb {
        Run(PrintStream out, PrintStream err) {
            super(out, err, RunCommand::new);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Validate pipeline.conf and print each pipeline's source and chain; every problem as "
                    + "FILE:LINE: message (exit 1)."})
    static final class Check extends ConfigVerb {
        @Option(names = "--explain", paramLabel = "TYPE",
                description = "print the keys of a plugin type (type, default, doc); jetconnect: the runtime's")
        String explain;

        @Option(names = "--connect", description = "also check the broker: reachable, credentials accepted, "
                + "JetStream on, declared streams present or creatable and compatible (exit 3 when not ready)")
        boolean connect;

        Check(PrintStream out, PrintStream err) {
            super(out, err, CheckCommand::new);
        }

        @Override
        public Integer call() {
            if (explain != null) {
                List<String> args = new ArrayList<>(List.of("--explain", explain));
                args.addAll(rest);
                return run(ExplainCommand::new, args);
            }
            List<String> args = new ArrayList<>(rest);
            if (connect) {
                args.add(0, "--connect");
            }
            return run(CheckCommand::new, args);
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "The fleet's configuration (jetconnect.cluster): config push.")
    static final class Config extends Usage {
        Config(PrintStream out) {
            super(out);
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Validate pipeline.conf as check does (exit 1 on any problem) and publish its pipelines "
                    + "and streams to the fleet's key-value bucket (jetconnect.cluster.bucket): new and changed ones "
                    + "written, removed ones deleted, unchanged ones left alone. Every worker applies them as a "
                    + "reload does."})
    static final class Push extends ConfigVerb {
        Push(PrintStream out, PrintStream err) {
            super(out, err, ConfigPushCommand::new);
        }
    }

    @Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "List the loaded plugins, their versions and type names, and any plugin file skipped, "
                    + "with why.")
    static final class Plugins extends ConfigVerb {
        Plugins(PrintStream out, PrintStream err) {
            super(out, err, PluginsCommand::new);
        }
    }

    @Command(name = "top", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "A running runtime's pipelines once a second: state, events/s in and out, in flight, "
                    + "spill depth, lag. Options: --url URL (default: the listener of pipeline.conf), --once.")
    static final class TopVerb extends ConfigVerb {
        TopVerb(PrintStream out, PrintStream err) {
            super(out, err, TopCommand::new);
        }
    }

    /** A {@link ClasspathVerb}: it keeps its own options and its own {@code --help}; everything is handed over. */
    @Command
    static final class Handover implements Callable<Integer> {
        private final ClasspathVerb verb;
        private final PrintStream out;
        private final PrintStream err;

        @Unmatched
        List<String> rest = new ArrayList<>();

        Handover(ClasspathVerb verb, PrintStream out, PrintStream err) {
            this.verb = verb;
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            return verb.run(rest, out, err);
        }
    }
}
