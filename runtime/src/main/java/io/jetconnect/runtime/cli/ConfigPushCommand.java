package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.cluster.ClusterSettings;
import io.jetconnect.runtime.cluster.FleetBucket;
import io.jetconnect.runtime.cluster.FleetDefinitions;
import io.jetconnect.runtime.cluster.PushPlan;
import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.nats.NatsConnector;
import io.jetconnect.runtime.plugin.PluginRegistry;
import io.jetconnect.spi.RetriableException;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code config push}: validates {@code pipeline.conf} exactly as {@code check} does (exit 1 on any problem, each as
 * {@code FILE:LINE: message}), then makes the fleet bucket's pipelines and streams the file's: new and changed ones
 * written, those no longer in the file deleted, unchanged ones left alone ({@link PushPlan}). Every worker of the
 * fleet applies the result as a reload does. Nothing is written when the file is invalid.
 */
record ConfigPushCommand(ConfigLocation location, PrintStream out, PrintStream err) implements ConfigCommand {

    @Override
    public int run(List<String> args) {
        if (!args.isEmpty()) {
            err.println("config push takes no arguments besides --config FILE");
            return 2;
        }
        Optional<LoadedConfig> loaded = location.load(err);
        if (loaded.isEmpty()) {
            return 1;
        }
        LoadedConfig config = loaded.get();
        Optional<ClusterSettings> cluster = ClusterSettings.read(config.root().getConfig("jetconnect"));
        if (cluster.isEmpty()) {
            err.println(location.file() + ": config push needs fleet mode: set jetconnect.cluster { name = ..., "
                    + "bucket = ... } (docs/scale-out.md)");
            return 1;
        }
        Map<String, String> wanted;
        try (PluginRegistry plugins = PluginRegistry.load(config.settings().pluginsDir())) {
            if (CheckCommand.resolve(config, plugins, out, err).isEmpty()) {
                return 1;
            }
            wanted = FleetDefinitions.entries(config);
        } catch (ConfigProblems e) {
            e.problems().forEach(err::println);
            return 1;
        }
        String bucket = cluster.get().bucket();
        Connection connection;
        try {
            connection = NatsConnector.connect(config.settings().nats());
        } catch (RetriableException e) {
            err.println("config push: cannot reach NATS at " + config.settings().nats().redactedUrl() + ": "
                    + e.getMessage());
            return 1;
        }
        try {
            KeyValue kv = FleetBucket.open(connection, cluster.get());
            // Read before the definitions: a push that commits after this read makes this one's commit fail.
            long commitRevision = FleetBucket.commitRevision(kv);
            PushPlan plan = PushPlan.of(wanted, FleetBucket.definitions(kv));
            FleetBucket.apply(kv, plan, wanted, commitRevision);
            out.println(location.file() + ": pushed to bucket " + bucket + " of fleet " + cluster.get().name()
                    + ": written " + plan.puts().keySet() + ", deleted " + plan.deletes() + ", unchanged "
                    + plan.unchanged());
            return 0;
        } catch (RetriableException | FleetBucket.ConcurrentPushException e) {
            err.println("config push: " + e.getMessage());
            return 1;
        } finally {
            NatsConnector.close(connection);
        }
    }
}
