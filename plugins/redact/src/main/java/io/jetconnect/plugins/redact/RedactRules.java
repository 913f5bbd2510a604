package io.jetconnect.plugins.redact;

import com.fasterxml.jackson.core.JsonPointer;
import io.jetconnect.spi.ConnectorConfig;
import io.jetconnect.spi.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code redact} block of {@code pipeline.conf}, read and checked once: field names, JSON Pointers, compiled
 * patterns and the mask. Every problem is reported with {@link ConnectorConfig#invalid} against the key it comes
 * from; a key file's content never appears in a message.
 */
final class RedactRules {

    private static final Setting<FieldNames> FIELDS = Setting.textList("fields").map(FieldNames::of);
    private static final String PATHS = "paths";
    private static final Setting<ValuePatterns> PATTERNS = Setting.textList("patterns").map(ValuePatterns::compile);
    private static final Setting<Mask> REPLACEMENT = Setting.text("replacement").map(Mask::fixed);
    private static final String HASH_KEY_FILE = "hash-key-file";

    final FieldNames names;
    final List<JsonPointer> paths;
    final ValuePatterns patterns;
    final Mask mask;

    private RedactRules(FieldNames names, List<JsonPointer> paths, ValuePatterns patterns, Mask mask) {
        this.names = names;
        this.paths = paths;
        this.patterns = patterns;
        this.mask = mask;
    }

    /** @throws io.jetconnect.spi.ConfigurationException naming the offending key */
    static RedactRules from(ConnectorConfig config) {
        FieldNames names = config.get(FIELDS);
        List<JsonPointer> paths = new ArrayList<>();
        List<String> pointers = config.getStringList(PATHS);
        for (int i = 0; i < pointers.size(); i++) {
            try {
                paths.add(pointer(pointers.get(i)));
            } catch (IllegalArgumentException e) {
                throw config.invalid(PATHS, "entry " + i + " ('" + pointers.get(i) + "') is not a JSON Pointer "
                        + "(RFC 6901): " + e.getMessage());
            }
        }
        ValuePatterns patterns = config.get(PATTERNS);
        Mask mask;
        if (config.hasPath(HASH_KEY_FILE)) {
            String file = config.getString(HASH_KEY_FILE);
            if (file.isBlank()) {
                throw config.invalid(HASH_KEY_FILE, "is empty; set it to null (or leave it out) to turn hashing off");
            }
            try {
                mask = Mask.hmac(HashKeyFile.read(Path.of(file)));
            } catch (IllegalArgumentException e) {
                throw config.invalid(HASH_KEY_FILE, e.getMessage());
            }
        } else {
            mask = config.get(REPLACEMENT);
        }
        return new RedactRules(names, List.copyOf(paths), patterns, mask);
    }

    /** Jackson accepts '~' followed by anything; RFC 6901 allows only "~0" and "~1". */
    static JsonPointer pointer(String text) {
        for (int i = text.indexOf('~'); i >= 0; i = text.indexOf('~', i + 1)) {
            if (i + 1 >= text.length() || text.charAt(i + 1) != '0' && text.charAt(i + 1) != '1') {
                throw new IllegalArgumentException("'~' at index " + i + " must be followed by 0 or 1");
            }
        }
        return JsonPointer.compile(text);
    }

    JsonRedactor jsonRedactor() {
        return new JsonRedactor(names, paths, patterns, mask);
    }

    @Override
    public String toString() {
        return names.size() + " field names, " + paths.size() + " paths, " + patterns.size()
                + " patterns, values replaced by " + (mask.hashing() ? "HMAC-SHA256" : "the replacement text");
    }
}
