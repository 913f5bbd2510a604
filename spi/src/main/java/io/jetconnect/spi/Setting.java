package io.jetconnect.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One key of a plugin's block, declared once with its type and what makes a value usable, and read with
 * {@link ConnectorConfig#get(Setting)}. The default and the documentation line live in the plugin's
 * {@code reference.conf}, as every default does; the declaration holds what Java must know: the path, how to read
 * it and the checks (Kafka Connect's {@code ConfigDef.define(name, type, validator)}, Flink's
 * {@code ConfigOption<T>}).
 * <pre>{@code
 * static final Setting<Integer> BATCH_SIZE = Setting.integer("batch-size", 1, 10_000);
 * static final Setting<Duration> ACK_WAIT = Setting.positiveDuration("ack-wait");
 * static final Setting<Mode> MODE = Setting.choice("mode", Mode.class);
 *
 * int batch = config.get(BATCH_SIZE);
 * }</pre>
 * A value of the wrong type, or one a check refuses, is reported as {@link ConnectorConfig#invalid} reports it:
 * with the file and line the user wrote it at ({@code pipeline.conf:12: Invalid value at
 * 'jetconnect.pipelines.ingest.source.batch-size': must be between 1 and 10000}). Checks that compare two keys
 * stay with the code that reads both.
 *
 * <p>Immutable and thread-safe: declare settings as constants and share them.
 *
 * @param <T> the type of the value read
 * @since 0.2
 */
public final class Setting<T> {

    private final String path;
    private final BiFunction<ConnectorConfig, String, T> reader;

    private Setting(String path, BiFunction<ConnectorConfig, String, T> reader) {
        this.path = Objects.requireNonNull(path, "path");
        this.reader = reader;
    }

    /**
     * @param path a path relative to the block, such as {@code "drain.in-flight"}
     * @return the value as text, as {@link ConnectorConfig#getString} reads it
     */
    public static Setting<String> text(String path) {
        return new Setting<>(path, ConnectorConfig::getString);
    }

    /**
     * @param path a path relative to the block
     * @return the list of values as text
     */
    public static Setting<List<String>> textList(String path) {
        return new Setting<>(path, ConnectorConfig::getStringList);
    }

    /**
     * @param path a path relative to the block
     * @return the value as a boolean
     */
    public static Setting<Boolean> flag(String path) {
        return new Setting<>(path, ConnectorConfig::getBoolean);
    }

    /**
     * @param path a path relative to the block
     * @param min the smallest value allowed
     * @param max the largest value allowed; {@link Integer#MAX_VALUE}: no upper bound
     * @return a whole number from {@code min} to {@code max}
     */
    public static Setting<Integer> integer(String path, int min, int max) {
        return new Setting<>(path, ConnectorConfig::getInt)
                .require(n -> n >= min && n <= max, range(min, max, Integer.MAX_VALUE, ""));
    }

    /**
     * @param path a path relative to the block
     * @param min the smallest size allowed, in bytes
     * @param max the largest size allowed, in bytes; {@link Long#MAX_VALUE}: no upper bound
     * @return a size written as {@code 4MiB}, {@code 1g} or a plain number of bytes, from {@code min} to {@code max}
     */
    public static Setting<Long> bytes(String path, long min, long max) {
        return new Setting<>(path, ConnectorConfig::getBytes)
                .require(n -> n >= min && n <= max, range(min, max, Long.MAX_VALUE, " byte"));
    }

    /**
     * A wait or a timeout, where zero means "do not wait".
     *
     * @param path a path relative to the block
     * @return a duration written as {@code 100ms}, {@code 2m}; never negative
     */
    public static Setting<Duration> duration(String path) {
        return new Setting<>(path, ConnectorConfig::getDuration)
                .require(d -> !d.isNegative(), "must not be negative");
    }

    /**
     * An interval or a timeout that cannot be zero.
     *
     * @param path a path relative to the block
     * @return a duration written as {@code 100ms}, {@code 2m}; always positive
     */
    public static Setting<Duration> positiveDuration(String path) {
        return new Setting<>(path, ConnectorConfig::getDuration)
                .require(d -> !d.isNegative() && !d.isZero(), "must be positive");
    }

    /**
     * @param path a path relative to the block, naming a {@code { initial, max, multiplier }} block
     * @return the backoff, checked as {@link ConnectorConfig#getBackoff} checks it
     */
    public static Setting<Backoff> backoff(String path) {
        return new Setting<>(path, ConnectorConfig::getBackoff);
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _}
     * ({@code TOKEN_OR_MTLS} is {@code token-or-mtls}); case and surrounding white space are ignored.
     *
     * @param path a path relative to the block
     * @param type the enum whose constants are the choices
     * @param <E> the enum
     * @return the constant named
     */
    public static <E extends Enum<E>> Setting<E> choice(String path, Class<E> type) {
        E[] constants = type.getEnumConstants();
        List<String> names = new ArrayList<>(constants.length);
        for (E constant : constants) {
            names.add(choiceName(constant));
        }
        String problem = "must be " + (names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1));
        return new Setting<>(path, (config, key) -> {
            int index = names.indexOf(config.getString(key).trim().toLowerCase(Locale.ROOT));
            if (index < 0) {
                throw config.invalid(key, problem);
            }
            return constants[index];
        });
    }

    /**
     * @param constant an enum constant
     * @return how {@link #choice} expects it written: {@code TOKEN_OR_MTLS} as {@code token-or-mtls}
     */
    public static String choiceName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param test whether a value can work
     * @param problem what is wrong with a value the test refuses, without the value if it could be a secret
     * @return this setting, refusing with {@code problem} what {@code test} refuses
     */
    public Setting<T> require(Predicate<? super T> test, String problem) {
        Objects.requireNonNull(problem, "problem");
        return new Setting<>(path, (config, key) -> {
            T value = reader.apply(config, key);
            if (!test.test(value)) {
                throw config.invalid(key, problem);
            }
            return value;
        });
    }

    /**
     * Turns the value read into what the plugin works with: a parsed pattern, a subject, a key file. An
     * {@link IllegalArgumentException} from {@code convert} is reported at this setting's path, with its message.
     *
     * @param convert the conversion
     * @param <R> what it makes
     * @return this setting, converted
     */
    public <R> Setting<R> map(Function<? super T, ? extends R> convert) {
        Objects.requireNonNull(convert, "convert");
        return new Setting<>(path, (config, key) -> {
            T value = reader.apply(config, key);
            try {
                return convert.apply(value);
            } catch (IllegalArgumentException e) {
                throw config.invalid(key, e.getMessage());
            }
        });
    }

    /** @return the path relative to the block, as {@link ConnectorConfig#invalid} takes it */
    public String path() {
        return path;
    }

    T read(ConnectorConfig config) {
        return reader.apply(config, path);
    }

    private static String range(long min, long max, long unbounded, String unit) {
        String low = min + unit + (unit.isEmpty() || min == 1 ? "" : "s");
        return max == unbounded ? "must be at least " + low
                : "must be between " + low + " and " + max + unit + (unit.isEmpty() || max == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        return "Setting[" + path + "]";
    }
}
