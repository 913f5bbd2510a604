package io.jetconnect.runtime.config.reference;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the documented keys of a {@code reference.conf} block: each leaf with its type, its default and the comment
 * above it, in the order of the file. A commented-out {@code key = value} line (as {@code # plugins-dir = plugins})
 * in the comment above a key is an optional key with no default, documented by the comment lines above it. (Typesafe
 * Config keeps only the comment lines directly above a key: a blank line in between drops them.)
 *
 * <p>This is the one source of the configuration reference page and of {@code check --explain}: both come from the
 * same {@code reference.conf} that validates the configuration, so they cannot drift from it.
 */
public final class ConfigKeys {

    private static final Pattern DURATION = Pattern.compile(
            "\\d+(\\.\\d+)?\\s*(ns|nanos?|nanoseconds?|us|micros?|microseconds?|ms|millis|milliseconds?|s|seconds?|"
                    + "m|minutes?|h|hours?|d|days?)");
    private static final Pattern SIZE = Pattern.compile("\\d+(\\.\\d+)?\\s*([kKmMgGtT]i?[bB]?|[bB]|bytes?)");
    private static final Pattern COMMENTED_KEY = Pattern.compile("^\\s*([a-z][a-z0-9-]*)\\s*=\\s*(\\S.*?)\\s*(#.*)?$");
    private static final Pattern WRITTEN_DECIMAL = Pattern.compile("[=:]\\s*(-?\\d+\\.\\d+)\\s*(#.*)?$");
    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise().setJson(false);

    private ConfigKeys() {
    }

    /** @return the keys of {@code block}, in file order, their paths relative to it */
    public static List<ConfigKey> of(Config block) {
        List<ConfigKey> keys = new ArrayList<>();
        walk(block.root(), "", keys);
        return keys;
    }

    private static void walk(ConfigObject object, String prefix, List<ConfigKey> keys) {
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
        entries.sort(Comparator.comparingInt(e -> Math.max(0, e.getValue().origin().lineNumber())));
        for (Map.Entry<String, ConfigValue> entry : entries) {
            String path = prefix + ConfigUtil.quoteString(entry.getKey()).replaceAll("^\"([a-z0-9-]+)\"$", "$1");
            ConfigValue value = entry.getValue();
            List<String> comment = new ArrayList<>();
            for (String line : value.origin().comments()) {
                Matcher m = COMMENTED_KEY.matcher(line);
                if (m.matches()) {
                    // What precedes a commented-out key documents it, not the key below.
                    keys.add(new ConfigKey(prefix + m.group(1), "string", "(unset)", join(comment)));
                    comment.clear();
                } else {
                    comment.add(line.strip());
                }
            }
            if (value.valueType() == ConfigValueType.OBJECT && !((ConfigObject) value).isEmpty()) {
                walk((ConfigObject) value, path + ".", keys);
            } else {
                keys.add(new ConfigKey(path, type(value), text(value), join(comment)));
            }
        }
    }

    /** @return the default as written: a string without quotes unless it is empty */
    private static String text(ConfigValue value) {
        if (value.valueType() == ConfigValueType.STRING) {
            String text = (String) value.unwrapped();
            return text.isEmpty() ? "\"\"" : text;
        }
        String decimal = writtenDecimal(value);
        return decimal != null ? decimal : value.render(CONCISE);
    }

    /**
     * @return a whole number as its line wrote it with a decimal point ({@code multiplier = 2.0}), else null.
     *     Typesafe Config parses {@code 2.0} into an integer, but the key takes a fraction, and its doc should say so.
     */
    private static String writtenDecimal(ConfigValue value) {
        if (value.valueType() != ConfigValueType.NUMBER || value.origin().url() == null
                || value.origin().lineNumber() < 1) {
            return null;
        }
        try (java.io.InputStream in = value.origin().url().openStream()) {
            String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
            if (value.origin().lineNumber() > lines.length) {
                return null;
            }
            Matcher m = WRITTEN_DECIMAL.matcher(lines[value.origin().lineNumber() - 1]);
            return m.find() ? m.group(1) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String join(List<String> lines) {
        return String.join(" ", lines).strip();
    }

    static String type(ConfigValue value) {
        return switch (value.valueType()) {
            case BOOLEAN -> "boolean";
            case NUMBER -> (value.unwrapped() instanceof Integer || value.unwrapped() instanceof Long)
                    && writtenDecimal(value) == null ? "integer" : "number";
            case LIST -> "list";
            case OBJECT -> "object";
            case NULL -> "string";
            case STRING -> {
                String text = ((String) value.unwrapped()).strip();
                if (DURATION.matcher(text).matches()) {
                    yield "duration";
                }
                yield SIZE.matcher(text).matches() && !text.chars().allMatch(Character::isDigit) ? "size" : "string";
            }
        };
    }
}
