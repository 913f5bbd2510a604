package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.plugin.ExtensionKind;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.runtime.plugin.PluginType;
import io.jetconnect.spi.CliCommand;
import io.jetconnect.spi.CommandContext;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.StreamSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A verb that a plugin provides as a {@link CliCommand}. */
record PluginVerb(ConfigLocation location, PrintStream out, PrintStream err) {

    int run(String verb, List<String> args) {
        Optional<LoadedConfig> loaded = location.load(err);
        if (loaded.isEmpty()) {
            return 1;
        }
        LoadedConfig config = loaded.get();
        try (PluginRegistry plugins = PluginRegistry.load(config.settings().pluginsDir())) {
            PluginType type = plugins.type(verb);
            if (type == null || type.kind() != ExtensionKind.COMMAND) {
                err.println("unknown verb '" + verb + "'; built in: run, check, plugins; from plugins: "
                        + String.join(", ", plugins.names(ExtensionKind.COMMAND)));
                return 2;
            }
            CliCommand command = plugins.create(type, CliCommand.class);
            CommandContext context = new VerbContext(out, err, config.settings().nats(),
                    config.settings().streams(), config.settings().dataDir());
            return PluginRegistry.withLoaderOf(type, () -> command.run(List.copyOf(args), context));
        }
    }

    /** What a plugin's verb is given: the console and the runtime's settings. */
    private record VerbContext(PrintStream out, PrintStream err, NatsSettings nats, Map<String, StreamSpec> streams,
                               Path dataDir) implements CommandContext {
    }
}
