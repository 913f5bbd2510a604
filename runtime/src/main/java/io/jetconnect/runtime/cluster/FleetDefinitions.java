package io.jetconnect.runtime.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import io.jetconnect.runtime.config.ConfigErrors;
import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.config.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fleet runs, as the bucket holds it: one key per pipeline ({@code pipelines.<name>}) and per declared
 * stream ({@code streams.<key>}), each value the block as HOCON, resolved on the machine that pushed it. Turns a
 * checked {@code pipeline.conf} into those entries and the entries back into the {@code jetconnect.pipelines} and
 * {@code jetconnect.streams} blocks a worker loads in place of its own file's.
 */
public final class FleetDefinitions {

    static final String PIPELINES = "pipelines.";
    static final String STREAMS = "streams.";
    /**
     * Written by {@code config push} after its other writes, like Kafka Connect's commit record: workers apply the
     * definitions when it changes, so a push is applied whole, never one key at a time.
     */
    static final String COMMIT = "commit";
    private static final ConfigRenderOptions HOCON = ConfigRenderOptions.defaults().setOriginComments(false)
            .setComments(false).setJson(false).setFormatted(true);

    private FleetDefinitions() {
    }

    /** @return whether a bucket key is a definition (not a worker's status) */
    static boolean isDefinition(String key) {
        return key.startsWith(PIPELINES) || key.startsWith(STREAMS);
    }

    /**
     * @param config a checked configuration
     * @return its pipelines and declared streams as bucket entries, by key
     */
    public static Map<String, String> entries(LoadedConfig config) {
        Map<String, String> entries = new TreeMap<>();
        for (PipelineSpec pipeline : config.pipelines()) {
            entries.put(PIPELINES + pipeline.name(), pipeline.block().root().render(HOCON));
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> stream : config.root().getObject("jetconnect.streams").entrySet()) {
            // A key becomes one token of a bucket key: the same rule as pipeline names.
            if (!stream.getKey().matches("[A-Za-z0-9_-]+")) {
                problems.add(ConfigErrors.where(stream.getValue().origin()) + ": Invalid value at 'jetconnect.streams'"
                        + ": the key '" + stream.getKey() + "' cannot be published to a fleet; use only letters, "
                        + "digits, '-' and '_'");
                continue;
            }
            entries.put(STREAMS + stream.getKey(), stream.getValue().render(HOCON));
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return entries;
    }

    /**
     * @param bucket the bucket's name, for the origin of problems ({@code kv BUCKET/KEY: LINE})
     * @param entries the bucket's definition entries, by key; other keys are ignored
     * @return a configuration holding exactly {@code jetconnect.pipelines} and {@code jetconnect.streams}
     * @throws ConfigProblems naming each entry that does not parse
     */
    public static Config config(String bucket, Map<String, String> entries) {
        Config pipelines = ConfigFactory.empty();
        Config streams = ConfigFactory.empty();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            String key = e.getKey();
            if (!isDefinition(key)) {
                continue;
            }
            Config block;
            try {
                block = ConfigFactory.parseString(e.getValue(), ConfigParseOptions.defaults()
                        .setSyntax(ConfigSyntax.CONF).setOriginDescription("kv " + bucket + "/" + key));
            } catch (ConfigException ex) {
                problems.add(ConfigErrors.translate(ex, "").getMessage());
                continue;
            }
            if (key.startsWith(PIPELINES)) {
                pipelines = pipelines.withValue(quoted(key.substring(PIPELINES.length())), block.root());
            } else {
                streams = streams.withValue(quoted(key.substring(STREAMS.length())), block.root());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return ConfigFactory.empty()
                .withValue("jetconnect.pipelines", pipelines.root())
                .withValue("jetconnect.streams", streams.root());
    }

    private static String quoted(String name) {
        return com.typesafe.config.ConfigUtil.joinPath(name);
    }
}
