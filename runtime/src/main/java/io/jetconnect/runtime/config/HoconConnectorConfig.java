package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.spi.ConnectorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link ConnectorConfig} over a Typesafe {@link Config} block. Every failure names the value's origin and its
 * full path from the root of {@code pipeline.conf}.
 */
public final class HoconConnectorConfig implements ConnectorConfig {

    private final Config config;
    private final String basePath;
    private final ConfigOrigin blockOrigin;
    private final java.nio.file.Path baseDir;

    /**
     * @param config the block, already merged over its defaults
     * @param basePath the block's path from the root, such as {@code jetconnect.pipelines.ingest.sinks[0]}
     */
    public HoconConnectorConfig(Config config, String basePath) {
        this(config, basePath, config.root().origin());
    }

    /**
     * @param config the block, already merged over its defaults
     * @param basePath the block's path from the root
     * @param blockOrigin where the user wrote the block: errors about a missing or defaulted key point there
     */
    public HoconConnectorConfig(Config config, String basePath, ConfigOrigin blockOrigin) {
        this(config, basePath, blockOrigin, null);
    }

    /**
     * @param config the block, already merged over its defaults
     * @param basePath the block's path from the root
     * @param blockOrigin where the user wrote the block: errors about a missing or defaulted key point there
     * @param baseDir the folder of {@code pipeline.conf}, against which {@link #getPath} resolves; null: the
     *     working directory
     */
    public HoconConnectorConfig(Config config, String basePath, ConfigOrigin blockOrigin,
                                java.nio.file.Path baseDir) {
        this.config = config;
        this.basePath = basePath;
        this.blockOrigin = blockOrigin;
        this.baseDir = baseDir;
    }

    /** @return the underlying Typesafe config, for runtime code only */
    public Config unwrap() {
        return config;
    }

    /** @return the block's path from the root */
    public String basePath() {
        return basePath;
    }

    private <T> T get(Supplier<T> getter) {
        try {
            return getter.get();
        } catch (ConfigException e) {
            throw ConfigErrors.translate(e, basePath);
        }
    }

    @Override
    public boolean hasPath(String path) {
        return get(() -> config.hasPath(path));
    }

    @Override
    public Set<String> keys() {
        return Collections.unmodifiableSet(config.root().keySet());
    }

    @Override
    public String getString(String path) {
        return get(() -> config.getString(path));
    }

    @Override
    public int getInt(String path) {
        return get(() -> config.getInt(path));
    }

    @Override
    public long getLong(String path) {
        return get(() -> config.getLong(path));
    }

    @Override
    public double getDouble(String path) {
        return get(() -> config.getDouble(path));
    }

    @Override
    public boolean getBoolean(String path) {
        return get(() -> config.getBoolean(path));
    }

    @Override
    public Duration getDuration(String path) {
        return get(() -> config.getDuration(path));
    }

    @Override
    public long getBytes(String path) {
        return get(() -> config.getBytes(path));
    }

    @Override
    public List<String> getStringList(String path) {
        return get(() -> List.copyOf(config.getStringList(path)));
    }

    @Override
    public ConnectorConfig getConfig(String path) {
        Config block = get(() -> config.getConfig(path));
        return new HoconConnectorConfig(block, ConfigErrors.join(basePath, path), block.root().origin(), baseDir);
    }

    @Override
    public List<? extends ConnectorConfig> getConfigList(String path) {
        List<? extends Config> blocks = get(() -> config.getConfigList(path));
        List<HoconConnectorConfig> out = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            out.add(new HoconConnectorConfig(blocks.get(i), ConfigErrors.join(basePath, path) + "[" + i + "]",
                    blocks.get(i).root().origin(), baseDir));
        }
        return List.copyOf(out);
    }

    @Override
    public java.nio.file.Path getPath(String path) {
        String value = getString(path);
        try {
            return ConfigPaths.resolve(baseDir, value);
        } catch (java.nio.file.InvalidPathException e) {
            throw invalid(path, "is not a valid path");
        }
    }

    @Override
    public ConfigurationException invalid(String path, String message) {
        ConfigOrigin origin = blockOrigin;
        try {
            if (config.hasPath(path)) {
                ConfigValue value = config.getValue(path);
                // A default from a plugin's reference.conf: point at the element the user wrote instead.
                String file = value.origin().filename();
                if (file != null && !file.endsWith("reference.conf")) {
                    origin = value.origin();
                }
            }
        } catch (ConfigException ignored) {
            // fall back to the block's origin
        }
        return ConfigErrors.invalid(origin, ConfigErrors.join(basePath, path), message);
    }

    @Override
    public String toString() {
        // Never the values: some of them are secrets.
        return "ConnectorConfig[" + basePath + ", keys=" + keys() + "]";
    }
}
