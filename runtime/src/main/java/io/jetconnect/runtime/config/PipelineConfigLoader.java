package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.StreamSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code pipeline.conf}: parses it, applies the environment's and system properties' overrides
 * ({@link ConfigOverrides}), resolves {@code ${?ENV}} substitutions, falls back to the runtime's
 * {@code reference.conf}, and checks the runtime's own keys, the streams and the shape of every pipeline. All
 * relative paths of the runtime's keys resolve against the file's folder ({@link ConfigPaths}). All
 * problems are collected and thrown together as {@link ConfigProblems}, each with its file and line.
 */
public final class PipelineConfigLoader {

    private static final Set<String> PIPELINE_KEYS = Set.of("source", "sinks", "acknowledge");
    private static final Set<String> NOT_IN_REFERENCE = Set.of("plugins-dir");

    private final Config reference;

    public PipelineConfigLoader() {
        this.reference = ConfigFactory.parseResources(PipelineConfigLoader.class.getClassLoader(), "reference.conf");
    }

    /**
     * @param file the configuration file
     * @return the checked configuration
     * @throws ConfigProblems listing every problem found
     */
    public LoadedConfig load(Path file) {
        return load(file, java.util.Optional.empty());
    }

    /**
     * Loads the file with its {@code jetconnect.pipelines} and {@code jetconnect.streams} replaced: a fleet
     * worker's, whose pipelines come from the fleet's bucket while the file gives the runtime's own settings.
     *
     * @param file the configuration file
     * @param definitions a configuration holding only those two blocks, or empty to keep the file's
     * @return the checked configuration
     * @throws ConfigProblems listing every problem found
     */
    public LoadedConfig load(Path file, java.util.Optional<Config> definitions) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigProblems(List.of(file + ": no such file"));
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            // Overrides are part of what the user wrote: checked for typos and resolved like the file.
            user = ConfigOverrides.fromEnvironmentAndProperties().withFallback(user);
            if (definitions.isPresent()) {
                user = definitions.get().withFallback(user.withoutPath("jetconnect.pipelines")
                        .withoutPath("jetconnect.streams"));
            }
        } catch (ConfigException e) {
            throw new ConfigProblems(List.of(ConfigErrors.translate(e, "").getMessage()));
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        Config root;
        try {
            root = user.withFallback(reference).resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigProblems(List.of(ConfigErrors.translate(e, "").getMessage()));
        }
        List<String> problems = new ArrayList<>();
        if (!user.hasPath("jetconnect")) {
            problems.add(file + ": no 'jetconnect' block");
            throw new ConfigProblems(problems);
        }
        Config userRoot = user.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        Config runtimeOnly = userRoot.getConfig("jetconnect").withoutPath("pipelines").withoutPath("streams");
        for (String key : NOT_IN_REFERENCE) {
            runtimeOnly = runtimeOnly.withoutPath(key);
        }
        problems.addAll(BlockChecker.check(runtimeOnly,
                reference.getConfig("jetconnect").withoutPath("pipelines").withoutPath("streams"), "jetconnect",
                Set.of()));
        Map<String, StreamSpec> streams = streams(root, problems);
        List<PipelineSpec> pipelines = pipelines(root, problems);
        RuntimeSettings settings = null;
        if (problems.isEmpty()) {
            try {
                settings = settings(root.getConfig("jetconnect"), streams, base);
            } catch (ConfigException e) {
                problems.add(ConfigErrors.translate(e, "jetconnect").getMessage());
            } catch (io.jetconnect.spi.ConfigurationException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return new LoadedConfig(file, root, settings, pipelines);
    }

    private RuntimeSettings settings(Config c, Map<String, StreamSpec> streams, Path base) {
        Path pluginsDir;
        if (c.hasPath("plugins-dir")) {
            pluginsDir = ConfigPaths.resolve(base, c.getString("plugins-dir"));
        } else {
            String home = System.getProperty("jetconnect.home");
            pluginsDir = (home == null ? Path.of("plugins") : Path.of(home, "plugins")).toAbsolutePath().normalize();
        }
        Path dataDir = ConfigPaths.resolve(base, c.getString("data-dir"));
        String embedded = c.getString("nats.embedded");
        if (!Set.of("auto", "on", "off").contains(embedded)) {
            throw ConfigErrors.invalid(c.getValue("nats.embedded").origin(), "jetconnect.nats.embedded",
                    "must be auto, on or off");
        }
        checkNatsUrl(c);
        int port = c.getInt("http.port");
        if (port < 0 || port > 65535) {
            throw ConfigErrors.invalid(c.getValue("http.port").origin(), "jetconnect.http.port",
                    "must be between 0 and 65535");
        }
        // The listener's limits, TLS and admin listener: checked here, read again where the listener starts.
        io.jetconnect.runtime.http.HttpSettings.read(c);
        io.jetconnect.runtime.cluster.ClusterSettings.read(c);
        Optional<Path> tokenFile = c.hasPath("http.admin-token-file")
                ? ConfigPaths.optional(base, c.getString("http.admin-token-file")) : Optional.empty();
        String host = c.getString("http.host");
        // The admin API listens on admin.host when a separate admin listener is set, else on http.host.
        String adminKey = c.hasPath("admin.port") ? "admin.host" : "http.host";
        String adminHost = c.getString(adminKey);
        if (tokenFile.isEmpty() && !ConfigPaths.isLoopback(adminHost)) {
            throw ConfigErrors.invalid(c.getValue(adminKey).origin(), "jetconnect." + adminKey, adminHost
                    + " is not a loopback address: set jetconnect.http.admin-token-file so that admin calls need"
                    + " a token");
        }
        NatsSettings nats = natsSettings(c, base);
        return new RuntimeSettings(pluginsDir, dataDir, c.getBoolean("strict"), c.getDuration("shutdown-timeout"),
                host, port, nats, embedded, System.getenv("NATS_URL") != null, streams,
                new io.jetconnect.runtime.http.LiveFeed.Settings(c.getInt("http.live-feed.max-clients"),
                        c.getLong("http.live-feed.max-lag"), c.getDuration("http.live-feed.write-timeout"),
                        c.getDuration("http.live-feed.inactive-threshold"), c.getInt("http.live-feed.batch")),
                tokenFile, c.getDuration("http.request-timeout"), urlSetAt(c.getValue("nats.url").origin()),
                allowedHosts(c), new HoconConnectorConfig(c, "jetconnect").getBackoff("pipeline-start-retry"));
    }

    private static java.util.List<String> allowedHosts(Config c) {
        java.util.List<String> hosts = c.getStringList("http.allowed-hosts");
        String problem = io.jetconnect.runtime.http.AdminGuard.problem(hosts);
        if (problem != null) {
            throw ConfigErrors.invalid(c.getValue("http.allowed-hosts").origin(), "jetconnect.http.allowed-hosts",
                    problem);
        }
        return hosts;
    }

    /**
     * Reads {@code jetconnect.nats} and checks it the way a connection would use it (one authentication method,
     * readable TLS and key files), so that {@code check} reports it with the key's file and line; the messages
     * never hold a secret.
     */
    private static NatsSettings natsSettings(Config c, Path base) {
        NatsSettings nats = NatsSettings.builder(c.getString("nats.url"))
                .caFile(optionalPath(c, base, "nats.ca-file"))
                .credentialsFile(optionalPath(c, base, "nats.credentials-file"))
                .certFile(optionalPath(c, base, "nats.cert-file"))
                .keyFile(optionalPath(c, base, "nats.key-file"))
                .nkeyFile(optionalPath(c, base, "nats.nkey-file"))
                .user(c.hasPath("nats.user") ? c.getString("nats.user") : null)
                .password(c.hasPath("nats.password") ? c.getString("nats.password") : null)
                .token(c.hasPath("nats.token") ? c.getString("nats.token") : null)
                .tlsVerifyHostname(c.getBoolean("nats.tls-verify-hostname"))
                .connectionName(c.getString("nats.connection-name"))
                .build();
        try {
            io.jetconnect.nats.NatsConnections.of(nats);
        } catch (io.jetconnect.spi.ConfigurationException e) {
            String message = e.getMessage();
            String key = message.startsWith("jetconnect.") ? message.substring(0, message.indexOf(':')) : "";
            String path = key.startsWith("jetconnect.") ? key.substring("jetconnect.".length()) : "nats.url";
            com.typesafe.config.ConfigOrigin origin = c.getValue("nats.url").origin();
            if (c.hasPath(path) && !path.equals("nats")) {
                origin = c.getValue(path).origin();
            } else {
                // A problem of the combination: point at the first of its keys the user's file sets.
                for (String k : List.of("nats.token", "nats.nkey-file", "nats.credentials-file", "nats.password",
                        "nats.user", "nats.cert-file", "nats.key-file")) {
                    if (c.hasPath(k) && !"reference.conf".equals(c.getValue(k).origin().resource())) {
                        origin = c.getValue(k).origin();
                        break;
                    }
                }
            }
            throw new io.jetconnect.spi.ConfigurationException(ConfigErrors.where(origin) + ": " + message, e);
        }
        return nats;
    }

    private static Path optionalPath(Config c, Path base, String path) {
        return c.hasPath(path) ? ConfigPaths.optional(base, c.getString(path)).orElse(null) : null;
    }

    /**
     * Where the NATS URL came from, when not from reference.conf: the user's file (or a file it includes) or an
     * environment substitution. Whoever set it named a broker, which {@code embedded = auto} must not stand in for.
     */
    static java.util.Optional<String> urlSetAt(com.typesafe.config.ConfigOrigin origin) {
        if ("reference.conf".equals(origin.resource())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ConfigErrors.where(origin));
    }

    /** A URL jnats cannot parse would be echoed, userinfo and all, by its exception: refuse it here, redacted. */
    private static void checkNatsUrl(Config c) {
        String urls = c.getString("nats.url");
        for (String part : urls.split(",")) {
            String url = part.trim();
            boolean ok;
            try {
                java.net.URI uri = new java.net.URI(url);
                ok = uri.getHost() != null && uri.getScheme() != null
                        && java.util.Set.of("nats", "tls", "ws", "wss").contains(uri.getScheme());
            } catch (java.net.URISyntaxException e) {
                ok = false;
            }
            if (!ok) {
                throw ConfigErrors.invalid(c.getValue("nats.url").origin(), "jetconnect.nats.url", "'"
                        + NatsSettings.redact(url) + "' is not a URL such as nats://host:4222 (several are separated"
                        + " by commas)");
            }
        }
    }

    private Map<String, StreamSpec> streams(Config root, List<String> problems) {
        Map<String, StreamSpec> streams = new LinkedHashMap<>();
        Config defaults = reference.getConfig("jetconnect.defaults.stream");
        // name and subjects have no default, but are known keys of the types given here.
        Config streamReference = defaults
                .withValue("name", com.typesafe.config.ConfigValueFactory.fromAnyRef("name"))
                .withValue("subjects", com.typesafe.config.ConfigValueFactory.fromIterable(List.of()));
        for (Map.Entry<String, ConfigValue> entry : declared(root, "jetconnect.streams", problems).entrySet()) {
            String key = entry.getKey();
            String path = "jetconnect.streams." + key;
            if (entry.getValue().valueType() != ConfigValueType.OBJECT) {
                problems.add(ConfigErrors.where(entry.getValue().origin()) + ": Invalid value at '" + path
                        + "': a stream is a block with at least a name and subjects");
                continue;
            }
            Config block = ((ConfigObject) entry.getValue()).toConfig();
            List<String> found = BlockChecker.check(block, streamReference, path, Set.of());
            problems.addAll(found);
            if (!found.isEmpty()) {
                continue;
            }
            Config c = block.withFallback(defaults);
            try {
                if (!c.hasPath("subjects") || c.getStringList("subjects").isEmpty()) {
                    problems.add(ConfigErrors.where(block.root().origin()) + ": Invalid value at '" + path
                            + ".subjects': a stream needs at least one subject");
                    continue;
                }
                String storage = c.getString("storage");
                if (!storage.equals("file") && !storage.equals("memory")) {
                    problems.add(ConfigErrors.where(c.getValue("storage").origin()) + ": Invalid value at '" + path
                            + ".storage': must be file or memory");
                    continue;
                }
                String policy = c.getString("retention-floor-policy");
                if (!policy.equals("fail") && !policy.equals("warn")) {
                    problems.add(ConfigErrors.where(c.getValue("retention-floor-policy").origin())
                            + ": Invalid value at '" + path + ".retention-floor-policy': must be fail or warn");
                    continue;
                }
                streams.put(key, StreamSpec.builder(c.hasPath("name") ? c.getString("name") : key).key(key)
                        .subjects(c.getStringList("subjects")).storage(storage).maxAge(c.getDuration("max-age"))
                        .retentionFloor(c.getDuration("retention-floor"))
                        .duplicateWindow(c.getDuration("duplicate-window")).replicas(c.getInt("replicas"))
                        .maxMessages(c.getLong("max-messages")).maxBytes(c.getLong("max-bytes")).declared(true)
                        .retentionFloorFails(policy.equals("fail")).build());
            } catch (ConfigException e) {
                problems.add(ConfigErrors.translate(e, path).getMessage());
            }
        }
        return streams;
    }

    /** @return the entries of the block at {@code path}; none when it is not a block, which goes to problems */
    private static ConfigObject declared(Config root, String path, List<String> problems) {
        try {
            return root.getObject(path);
        } catch (ConfigException e) {
            problems.add(ConfigErrors.translate(e, "").getMessage());
            return ConfigFactory.empty().root();
        }
    }

    private List<PipelineSpec> pipelines(Config root, List<String> problems) {
        List<PipelineSpec> pipelines = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : declared(root, "jetconnect.pipelines", problems).entrySet()) {
            String name = entry.getKey();
            String path = "jetconnect.pipelines." + name;
            ConfigValue value = entry.getValue();
            if (!name.matches("[A-Za-z0-9_-]+")) {
                problems.add(ConfigErrors.where(value.origin()) + ": Invalid value at '" + path
                        + "': a pipeline name uses only letters, digits, '-' and '_'");
                continue;
            }
            if (value.valueType() != ConfigValueType.OBJECT) {
                problems.add(ConfigErrors.where(value.origin()) + ": Invalid value at '" + path
                        + "': a pipeline is a block with a source and sinks");
                continue;
            }
            ConfigObject pipeline = (ConfigObject) value;
            for (String key : pipeline.keySet()) {
                if (!PIPELINE_KEYS.contains(key)) {
                    String hint = BlockChecker.closest(key, PIPELINE_KEYS);
                    problems.add(ConfigErrors.where(pipeline.get(key).origin()) + ": Unknown key '" + path + "."
                            + key + "'" + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                            + "; known keys: acknowledge, sinks, source");
                }
            }
            ElementSpec source = null;
            ConfigValue sourceValue = pipeline.get("source");
            if (sourceValue == null) {
                problems.add(ConfigErrors.where(pipeline.origin()) + ": Invalid value at '" + path
                        + "': missing 'source' (for example: source { type = http })");
            } else {
                source = element(sourceValue, path + ".source", problems);
            }
            List<ElementSpec> sinks = new ArrayList<>();
            ConfigValue sinksValue = pipeline.get("sinks");
            if (sinksValue == null || sinksValue.valueType() != ConfigValueType.LIST
                    || ((List<?>) sinksValue.unwrapped()).isEmpty()) {
                problems.add(ConfigErrors.where(sinksValue == null ? pipeline.origin() : sinksValue.origin())
                        + ": Invalid value at '" + path + ".sinks': a non-empty list of sinks is required, "
                        + "outermost first, ending with a terminal sink (for example jetstream)");
            } else {
                com.typesafe.config.ConfigList list = (com.typesafe.config.ConfigList) sinksValue;
                for (int i = 0; i < list.size(); i++) {
                    ElementSpec sink = element(list.get(i), path + ".sinks[" + i + "]", problems);
                    if (sink != null) {
                        sinks.add(sink);
                    }
                }
            }
            boolean sinksComplete = sinksValue != null && sinksValue.valueType() == ConfigValueType.LIST
                    && sinks.size() == ((List<?>) sinksValue.unwrapped()).size() && !sinks.isEmpty();
            if (source != null && sinksComplete) {
                pipelines.add(new PipelineSpec(name, source, sinks, pipeline.toConfig()));
            }
        }
        return pipelines;
    }

    private static ElementSpec element(ConfigValue value, String path, List<String> problems) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            problems.add(ConfigErrors.where(value.origin()) + ": Invalid value at '" + path
                    + "': expected a block with a type, such as { type = jetstream }");
            return null;
        }
        ConfigObject block = (ConfigObject) value;
        ConfigValue type = block.get("type");
        if (type == null || type.valueType() != ConfigValueType.STRING
                || ((String) type.unwrapped()).isBlank()) {
            problems.add(ConfigErrors.where(type == null ? block.origin() : type.origin()) + ": Invalid value at '"
                    + path + ".type': every source and sink needs a type name, such as type = jetstream");
            return null;
        }
        return new ElementSpec((String) type.unwrapped(), block.toConfig(), path, block.origin());
    }
}
