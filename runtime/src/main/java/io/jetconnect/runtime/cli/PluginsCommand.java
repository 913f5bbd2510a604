package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import io.jetconnect.runtime.plugin.PluginInfo;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code plugins}: each loaded plugin, its version and the type names it provides; then any skipped ones. */
final class PluginsCommand {

    private final ConfigLocation location;
    private final PrintStream out;
    private final PrintStream err;

    PluginsCommand(ConfigLocation location, PrintStream out, PrintStream err) {
        this.location = location;
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Path dir;
        try {
            dir = new PipelineConfigLoader().load(location.file()).settings().pluginsDir();
        } catch (ConfigProblems e) {
            e.problems().forEach(err::println);
            return 1;
        }
        try (PluginRegistry plugins = PluginRegistry.load(dir)) {
            out.println("plugins in " + dir + ":");
            for (PluginInfo plugin : plugins.plugins()) {
                StringBuilder types = new StringBuilder();
                for (PluginType type : plugin.types()) {
                    if (types.length() > 0) {
                        types.append(", ");
                    }
                    types.append(type.kind().label()).append(' ').append(type.name());
                }
                out.printf("  %-12s %-16s %s%n", plugin.id(), plugin.version(), types);
            }
            for (String problem : plugins.problems()) {
                out.println("  skipped: " + problem);
            }
            return 0;
        }
    }
}
