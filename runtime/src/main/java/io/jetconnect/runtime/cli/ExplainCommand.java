package io.jetconnect.runtime.cli;

import com.typesafe.config.ConfigFactory;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.reference.ConfigKey;
import io.jetconnect.runtime.config.reference.ConfigKeys;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code check --explain TYPE}: prints the keys a plugin type takes (type, default, the comment above it in the
 * plugin's {@code reference.conf}), read from the installed plugins; {@code --explain jetconnect} prints the
 * runtime's own keys. Only the plugins directory is taken from {@code pipeline.conf}, so a file that does not
 * validate can still be explained against.
 */
record ExplainCommand(ConfigLocation location, PrintStream out, PrintStream err) implements ConfigCommand {

    @Override
    public int run(List<String> args) {
        String type = null;
        if (args.size() == 1 && args.get(0).startsWith("--explain=")) {
            type = args.get(0).substring("--explain=".length());
        } else if (args.size() == 2 && args.get(0).equals("--explain")) {
            type = args.get(1);
        }
        if (type == null || type.isBlank()) {
            err.println("usage: jetconnect check --explain TYPE   (a type name from 'jetconnect plugins', or "
                    + "jetconnect for the runtime's own keys)");
            return 2;
        }
        if (type.equals("jetconnect")) {
            var reference = ConfigFactory.parseResources(ExplainCommand.class.getClassLoader(), "reference.conf")
                    .resolve().getConfig("jetconnect");
            out.println("jetconnect: the runtime's own settings (jetconnect { ... } in pipeline.conf)");
            print(ConfigKeys.of(reference), "jetconnect.");
            return 0;
        }
        Optional<LoadedConfig> config = location.load(err);
        if (config.isEmpty()) {
            return 1;
        }
        Path pluginsDir = config.get().settings().pluginsDir();
        try (PluginRegistry plugins = PluginRegistry.load(pluginsDir)) {
            PluginType found = plugins.type(type);
            if (found == null) {
                TreeSet<String> names = new TreeSet<>();
                plugins.types().forEach(t -> names.add(t.name()));
                err.println("no plugin in " + pluginsDir + " provides a type named '" + type + "'; available: "
                        + String.join(", ", names) + ", and jetconnect (the runtime)");
                return 1;
            }
            out.println(found.name() + ": a " + found.kind().label() + " of plugin " + found.pluginId()
                    + " (in a pipeline: { type = " + found.name() + ", KEY = VALUE, ... })");
            List<ConfigKey> keys = ConfigKeys.of(found.reference());
            if (keys.isEmpty()) {
                out.println("  no settings");
            }
            print(keys, "");
            return 0;
        }
    }

    private void print(List<ConfigKey> keys, String prefix) {
        for (ConfigKey key : keys) {
            out.println();
            out.println("  " + prefix + key.path() + " = " + key.defaultValue() + "   (" + key.type() + ")");
            if (!key.doc().isEmpty()) {
                out.println("      " + key.doc());
            }
        }
    }
}
