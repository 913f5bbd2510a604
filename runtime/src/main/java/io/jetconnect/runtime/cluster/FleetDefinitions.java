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
 * stream ({@code streams.<key>}), each value the block as JSON, resolved on the machine that pushed it: a worker
 * parses it as JSON, so a value can neither include a file or URL nor substitute the worker's environment or
 * settings (its secrets) into a pipeline. Turns a
 * checked {@code pipeline.conf} into those entries and the entries back into the {@code jetconnect.pipelines} and
 * {@code jetconnect.streams} blocks a worker loads in place of its own file's.
 */
public final class FleetDefinitions {

    static final String PIPELINES = "pipelines.";
    static final String STREAMS = "streams.";
    /**
     * Written by {@code config push} after its other writes, like Kafka Connect's commit record: it lists every
     * definition of the push with the digest of its value, and a worker applies the bucket's definitions only when
     * they are exactly that (a push is applied whole, never one key at a time, and a worker that starts or
     * catches up after a push that failed part-way, or while one is being written, waits for the next commit).
     */
    static final String COMMIT = "commit";
    private static final ConfigRenderOptions VALUE = ConfigRenderOptions.concise();

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
            entries.put(PIPELINES + pipeline.name(), pipeline.block().root().render(VALUE));
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
            entries.put(STREAMS + stream.getKey(), stream.getValue().render(VALUE));
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
                        .setSyntax(ConfigSyntax.JSON).setAllowMissing(false).setOriginDescription("kv " + bucket + "/" + key));
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

    /** @return the digest a commit lists for an entry's value: SHA-256, in hex */
    static String digest(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * @param entries a push's definitions, by key
     * @return the commit that makes them the fleet's: each key with the digest of its value
     */
    static String commit(Map<String, String> entries) {
        com.fasterxml.jackson.databind.node.ObjectNode commit = JSON.createObjectNode();
        commit.put("at", java.time.Instant.now().toString());
        com.fasterxml.jackson.databind.node.ObjectNode keys = commit.putObject("keys");
        new TreeMap<>(entries).forEach((key, value) -> keys.put(key, digest(value)));
        return commit.toString();
    }

    /**
     * @param commit a commit's value
     * @param definitions the bucket's definitions when the commit arrived, by key
     * @return null when they are exactly what the commit lists, else what differs: a push in progress, one that
     *     failed part-way, or two pushes whose writes interleaved
     */
    static String mismatch(String commit, Map<String, String> definitions) {
        Map<String, String> listed = new TreeMap<>();
        try {
            JSON.readTree(commit).path("keys").fields().forEachRemaining(e -> listed.put(e.getKey(),
                    e.getValue().asText()));
        } catch (java.io.IOException e) {
            return "the commit is not JSON";
        }
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> e : listed.entrySet()) {
            String value = definitions.get(e.getKey());
            if (value == null) {
                differences.add(e.getKey() + " missing");
            } else if (!digest(value).equals(e.getValue())) {
                differences.add(e.getKey() + " changed");
            }
        }
        for (String key : definitions.keySet()) {
            if (!listed.containsKey(key)) {
                differences.add(key + " not in the commit");
            }
        }
        return differences.isEmpty() ? null : String.join(", ", differences);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static String quoted(String name) {
        return com.typesafe.config.ConfigUtil.joinPath(name);
    }
}
