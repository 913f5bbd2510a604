package io.jetconnect.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a block of {@code pipeline.conf} against the block of defaults it falls back to: wrong types (Typesafe
 * Config's {@code checkValid}) and keys the defaults do not know, which are most often typos.
 */
public final class BlockChecker {

    private BlockChecker() {
    }

    /**
     * @param block the block as written
     * @param reference its defaults; a key is known when the reference has it, even as an empty object
     * @param basePath the block's path from the root, for messages
     * @param ignored keys that are known without being in the reference (such as {@code type})
     * @return the problems, as {@code FILE:LINE: message} lines; empty when the block is fine
     */
    public static List<String> check(Config block, Config reference, String basePath, Set<String> ignored) {
        List<String> problems = new ArrayList<>();
        walk(block.root(), reference.root(), basePath, ignored, problems);
        return problems;
    }

    private static void walk(ConfigObject block, ConfigObject reference, String basePath, Set<String> ignored,
                             List<String> problems) {
        for (Map.Entry<String, ConfigValue> entry : block.entrySet()) {
            String key = entry.getKey();
            if (ignored.contains(key)) {
                continue;
            }
            ConfigValue value = entry.getValue();
            ConfigValue known = reference.get(key);
            String path = ConfigErrors.join(basePath, quoteIfNeeded(key));
            if (known == null) {
                String hint = closest(key, reference.keySet());
                problems.add(ConfigErrors.where(value.origin()) + ": Unknown key '" + path + "'"
                        + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                        + (reference.isEmpty() ? "" : "; known keys: " + String.join(", ", reference.keySet())));
                continue;
            }
            String expected = ValueShape.mismatch(known, value);
            if (expected != null) {
                problems.add(ConfigErrors.where(value.origin()) + ": Invalid value at '" + path + "': expected "
                        + expected + ", got " + ValueShape.describe(value));
            } else if (known.valueType() == ConfigValueType.OBJECT && !((ConfigObject) known).isEmpty()) {
                walk((ConfigObject) value, (ConfigObject) known, path, Set.of(), problems);
            }
        }
    }

    private static String quoteIfNeeded(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : '"' + key + '"';
    }

    /** @return the known key within edit distance 2 of {@code key}, or null */
    public static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
