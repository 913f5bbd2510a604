package io.jetconnect.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * An extension's configuration: its block of {@code pipeline.conf} over its plugin's {@code reference.conf}.
 *
 * <p>Paths are HOCON paths relative to the block ({@code "retry.attempts"}). Getters throw
 * {@link ConfigurationException} naming the file and line of the offending value when a value is missing or of
 * the wrong type, so a plugin can call them at startup and let the exception travel. Immutable and thread-safe.
 */
public interface ConnectorConfig {

    /** @return whether the path holds a non-null value */
    boolean hasPath(String path);

    /** @return the keys at the top of this block */
    Set<String> keys();

    String getString(String path);

    int getInt(String path);

    long getLong(String path);

    double getDouble(String path);

    boolean getBoolean(String path);

    /** @return a duration written as {@code 100ms}, {@code 2m}, {@code 90d} */
    Duration getDuration(String path);

    /** @return a size written as {@code 4MiB}, {@code 1g} or a plain number of bytes */
    long getBytes(String path);

    List<String> getStringList(String path);

    /** @return the nested block at {@code path} */
    ConnectorConfig getConfig(String path);

    /** @return the list of blocks at {@code path} */
    List<? extends ConnectorConfig> getConfigList(String path);

    /**
     * Builds the exception to throw for a value that has the right type but cannot work, with the value's
     * origin: {@code pipeline.conf:14: Invalid value at 'jetconnect.pipelines.ingest.sinks[0].subject': ...}.
     *
     * @param path the offending path, relative to this block
     * @param message what is wrong with it, without the value itself if it could be a secret
     * @return the exception, for the caller to throw
     */
    ConfigurationException invalid(String path, String message);
}
