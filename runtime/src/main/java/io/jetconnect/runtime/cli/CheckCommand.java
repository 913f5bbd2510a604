package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.pipeline.PipelineResolver;
import io.jetconnect.runtime.pipeline.ResolvedPipeline;
import io.jetconnect.runtime.plugin.PluginRegistry;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code check}: loads {@code pipeline.conf} and the plugins, resolves every pipeline, and prints each one's
 * source and chain, outermost first. Every problem is printed as {@code FILE:LINE: message}; any makes it exit 1.
 * With {@code --connect} it then asks the broker ({@link BrokerCheck}): exit 3 when the broker is not ready.
 */
record CheckCommand(ConfigLocation location, PrintStream out, PrintStream err) implements ConfigCommand {

    @Override
    public int run(List<String> args) {
        boolean connect = args.equals(List.of("--connect"));
        if (!args.isEmpty() && !connect) {
            err.println("check takes no arguments besides --config FILE and --connect");
            return 2;
        }
        Optional<LoadedConfig> loaded = location.load(err);
        if (loaded.isEmpty()) {
            return 1;
        }
        LoadedConfig config = loaded.get();
        try (PluginRegistry plugins = PluginRegistry.load(config.settings().pluginsDir())) {
            Optional<List<ResolvedPipeline>> resolved = resolve(config, plugins, out, err);
            if (resolved.isEmpty()) {
                return 1;
            }
            List<ResolvedPipeline> pipelines = resolved.get();
            out.println(location.file() + ": OK, " + pipelines.size() + " pipeline"
                    + (pipelines.size() == 1 ? "" : "s"));
            for (ResolvedPipeline pipeline : pipelines) {
                out.println("pipeline " + pipeline.name());
                out.println("  source: " + pipeline.source().type().name());
                out.println("  chain:  " + pipeline.chainDescription() + "   (outermost first)");
            }
            return connect ? new BrokerCheck(out, err).run(config, pipelines) : 0;
        }
    }

    /**
     * Resolves every pipeline against the plugins, printing warnings and problems as {@code check} does: what
     * {@code config push} validates with too.
     *
     * @return the pipelines, or empty when there are problems (already printed)
     */
    static Optional<List<ResolvedPipeline>> resolve(LoadedConfig config, PluginRegistry plugins, PrintStream out,
                                                    PrintStream err) {
        for (String problem : plugins.problems()) {
            err.println(config.settings().pluginsDir() + ": warning: " + problem);
        }
        try {
            PipelineResolver.Resolution resolution = new PipelineResolver(plugins).resolveWithWarnings(config);
            resolution.warnings().forEach(err::println);
            resolution.acknowledged().forEach(out::println);
            return Optional.of(resolution.pipelines());
        } catch (ConfigProblems e) {
            e.problems().forEach(err::println);
            return Optional.empty();
        }
    }
}
