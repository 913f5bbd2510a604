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

    /**
     * @param path a path relative to this block
     * @return whether the path holds a non-null value
     */
    boolean hasPath(String path);

    /** @return the keys at the top of this block */
    Set<String> keys();

    /**
     * @param path a path relative to this block
     * @return the value as text; numbers and booleans are converted
     * @throws ConfigurationException if the value is missing or is a block or a list
     */
    String getString(String path);

    /**
     * @param path a path relative to this block
     * @return the value as an {@code int}
     * @throws ConfigurationException if the value is missing, not a number or out of range
     */
    int getInt(String path);

    /**
     * @param path a path relative to this block
     * @return the value as a {@code long}
     * @throws ConfigurationException if the value is missing, not a number or out of range
     */
    long getLong(String path);

    /**
     * @param path a path relative to this block
     * @return the value as a {@code double}
     * @throws ConfigurationException if the value is missing or not a number
     */
    double getDouble(String path);

    /**
     * A file or folder named by the user. A relative path resolves against the folder of {@code pipeline.conf}
     * (not the working directory), so that the process finds the same files wherever it is started from.
     *
     * @param path a path relative to this block
     * @return the value as an absolute path
     * @throws ConfigurationException if the value is missing or not a valid path
     * @since 0.2
     */
    default java.nio.file.Path getPath(String path) {
        return java.nio.file.Path.of(getString(path)).toAbsolutePath();
    }

    /**
     * @param path a path relative to this block
     * @return the value as a {@code boolean}
     * @throws ConfigurationException if the value is missing or not a boolean
     */
    boolean getBoolean(String path);

    /**
     * @param path a path relative to this block
     * @return a duration written as {@code 100ms}, {@code 2m}, {@code 90d}
     * @throws ConfigurationException if the value is missing or not a duration
     */
    Duration getDuration(String path);

    /**
     * @param path a path relative to this block
     * @return a size written as {@code 4MiB}, {@code 1g} or a plain number of bytes
     * @throws ConfigurationException if the value is missing or not a size
     */
    long getBytes(String path);

    /**
     * @param path a path relative to this block
     * @return the list of values as text
     * @throws ConfigurationException if the value is missing, not a list, or holds a block or a list
     */
    List<String> getStringList(String path);

    /**
     * @param path a path relative to this block
     * @return the nested block at {@code path}
     * @throws ConfigurationException if the value is missing or not a block
     */
    ConnectorConfig getConfig(String path);

    /**
     * @param path a path relative to this block
     * @return the list of blocks at {@code path}
     * @throws ConfigurationException if the value is missing, not a list, or holds anything but blocks
     */
    List<? extends ConnectorConfig> getConfigList(String path);

    /**
     * A {@link Backoff} written as a block: {@code initial} and {@code max} durations and an optional
     * {@code multiplier} (2 when absent).
     * <pre>{@code
     * backoff { initial = 100ms, max = 30s }
     * }</pre>
     *
     * @param path a path relative to this block, naming the block
     * @return the backoff
     * @throws ConfigurationException if a value is missing or of the wrong type, a wait is not positive,
     *     {@code max} is below {@code initial} or {@code multiplier} below 1
     * @since 0.2
     */
    default Backoff getBackoff(String path) {
        ConnectorConfig block = getConfig(path);
        Duration initial = block.getDuration("initial");
        Duration max = block.getDuration("max");
        if (initial.isNegative() || initial.isZero()) {
            throw invalid(path + ".initial", "the first wait must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw invalid(path + ".max", "the longest wait (" + max + ") is shorter than the first (" + initial + ")");
        }
        double multiplier = block.hasPath("multiplier") ? block.getDouble("multiplier") : 2.0;
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw invalid(path + ".multiplier", "must be a finite number of at least 1");
        }
        return Backoff.exponential(initial, max).withMultiplier(multiplier);
    }

    /**
     * Reads a setting the plugin declared once with its type and checks.
     *
     * @param setting the declared key
     * @param <T> the value's type
     * @return the value, checked
     * @throws ConfigurationException naming the file and line of the value if it is missing, of the wrong type,
     *     or refused by one of the setting's checks
     * @since 0.2
     */
    default <T> T get(Setting<T> setting) {
        return setting.read(this);
    }

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
