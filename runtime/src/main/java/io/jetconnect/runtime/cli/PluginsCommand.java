package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.plugin.PluginInfo;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code plugins}: each loaded plugin, its version and the type names it provides; then any skipped ones. */
record PluginsCommand(ConfigLocation location, PrintStream out, PrintStream err) implements ConfigCommand {

    @Override
    public int run(List<String> args) {
        Optional<LoadedConfig> config = location.load(err);
        if (config.isEmpty()) {
            return 1;
        }
        Path dir = config.get().settings().pluginsDir();
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
