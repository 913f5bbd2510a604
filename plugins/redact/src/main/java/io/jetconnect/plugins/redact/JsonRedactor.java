package io.jetconnect.plugins.redact;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Redacts JSON data in two steps. A streaming scan, which builds no tree, looks for a field name to redact, a
 * value at a configured path or a string a pattern matches; most events have none, and their bytes are left as
 * they are. Only when the scan finds one is the data read into a tree, redacted and written again.
 *
 * <p>Data is malformed, and {@link Malformed} is thrown, when it does not parse or has more than one top-level
 * value, or when it has something to redact and repeats a key in an object: the tree keeps one of the values, and
 * the others would go out unredacted (the scan alone sees them all, so data with nothing to redact may repeat
 * keys). Numbers are kept exactly as written (no rounding through {@code double}) when the data is rewritten.
 *
 * <p>Immutable and thread-safe.
 */
final class JsonRedactor {

    /** For the scan: it sees every name and value, repeated keys included, so it need not reject them. */
    private static final JsonFactory SCANNING = new JsonFactory();
    /** For the tree, which keeps the last of repeated keys and would hide the others from redaction. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final FieldNames names;
    private final List<JsonPointer> paths;
    private final Segment[][] pathSegments;
    private final ValuePatterns patterns;
    private final Mask mask;

    JsonRedactor(FieldNames names, List<JsonPointer> paths, ValuePatterns patterns, Mask mask) {
        this.names = names;
        this.paths = List.copyOf(paths);
        this.pathSegments = new Segment[paths.size()][];
        for (int i = 0; i < paths.size(); i++) {
            pathSegments[i] = Segment.of(paths.get(i));
        }
        this.patterns = patterns;
        this.mask = mask;
    }

    /** The outcome of {@link #redact}. */
    record Outcome(byte[] data, int values) {
        static final Outcome UNCHANGED = new Outcome(null, 0);

        boolean changed() {
            return values > 0;
        }
    }

    /** Data that claims to be JSON but is not, or not unambiguously. Carries no part of the data. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param json the data
     * @return the redacted data and how many values changed, or {@link Outcome#UNCHANGED}
     * @throws Malformed if the data is not one well-formed JSON value without duplicate keys
     */
    Outcome redact(byte[] json) throws Malformed {
        try {
            if (!needsTree(json)) {
                return Outcome.UNCHANGED;
            }
            JsonNode root = MAPPER.readTree(json);
            int[] count = {0};
            JsonNode redacted = visit(root, null, paths, count);
            if (count[0] == 0) {
                return Outcome.UNCHANGED;
            }
            return new Outcome(MAPPER.writeValueAsBytes(redacted), count[0]);
        } catch (JacksonException e) {
            // Never the exception's message: Jackson quotes the offending token, which may be the secret.
            throw malformed(e.getLocation(), e.getClass().getSimpleName());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
    }

    private static Malformed malformed(JsonLocation at, String what) {
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new Malformed("not well-formed JSON" + where + " (" + what + ")");
    }

    /** The streaming scan: true if a tree may find something to redact. */
    private boolean needsTree(byte[] json) throws IOException, Malformed {
        try (JsonParser p = SCANNING.createParser(json)) {
            ValuePatterns.Finder finder = null;
            // Unread string values are skipped by the tokenizer (still checked) without being decoded.
            boolean scanStrings = patterns.size() > 0 && patterns.mayMatchWithin(json);
            JsonToken t = p.nextToken();
            if (t == null) {
                return false; // empty or blank: nothing to redact
            }
            int depth = 0;
            do {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (atPath(p.getParsingContext().getParent())) {
                            return true;
                        }
                        depth++;
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (names.matches(p.currentName())) {
                            return true;
                        }
                    }
                    case VALUE_STRING -> {
                        if (atPath(p.getParsingContext())) {
                            return true;
                        }
                        if (scanStrings) {
                            finder = finder == null ? patterns.finder() : finder;
                            if (finder.anyMatch(p.getText())) {
                                return true;
                            }
                        }
                    }
                    default -> {
                        if (atPath(p.getParsingContext())) {
                            return true;
                        }
                    }
                }
            } while (depth > 0 && (t = p.nextToken()) != null);
            if (p.nextToken() != null) {
                throw malformed(p.currentTokenLocation(), "more than one top-level value");
            }
            return false;
        }
    }

    /** @return whether the value whose container context is {@code context} is at a configured path */
    private boolean atPath(JsonStreamContext context) {
        for (Segment[] path : pathSegments) {
            if (Segment.matches(path, context)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param name the value's field name; null for array elements and the root
     * @param pointers the rest of every configured path that leads to this value
     * @return the value to put in place of {@code value}; {@code value} itself if unchanged
     */
    private JsonNode visit(JsonNode value, String name, List<JsonPointer> pointers, int[] count) {
        if (names.matches(name) || reached(pointers)) {
            return maskWhole(value, count);
        }
        if (value.isTextual()) {
            String s = value.textValue();
            String r = patterns.redact(s, mask);
            if (r != s) {
                count[0]++;
                return TextNode.valueOf(r);
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : ((ObjectNode) value).properties()) {
                JsonNode child = e.getValue();
                JsonNode replaced = visit(child, e.getKey(), descend(pointers, e.getKey(), -1), count);
                if (replaced != child) {
                    e.setValue(replaced);
                }
            }
        } else if (value.isArray()) {
            ArrayNode array = (ArrayNode) value;
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                JsonNode replaced = visit(child, null, descend(pointers, null, i), count);
                if (replaced != child) {
                    array.set(i, replaced);
                }
            }
        }
        return value;
    }

    private JsonNode maskWhole(JsonNode value, int[] count) {
        if (value.isNull() || value.isTextual() && mask.isMasked(value.textValue())) {
            return value; // nothing secret in a null, and already redacted
        }
        count[0]++;
        return TextNode.valueOf(mask.apply(value.isTextual() ? value.textValue() : value.toString()));
    }

    private static boolean reached(List<JsonPointer> pointers) {
        for (JsonPointer p : pointers) {
            if (p.matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<JsonPointer> descend(List<JsonPointer> pointers, String name, int index) {
        if (pointers.isEmpty()) {
            return pointers;
        }
        List<JsonPointer> next = new ArrayList<>(pointers.size());
        for (JsonPointer p : pointers) {
            JsonPointer tail = name != null ? p.matchProperty(name) : p.matchElement(index);
            if (tail != null) {
                next.add(tail);
            }
        }
        return next.isEmpty() ? List.of() : next;
    }

    /** One step of a JSON Pointer, to follow a streaming parser's contexts without building pointers. */
    record Segment(String name, int index) {

        static Segment[] of(JsonPointer pointer) {
            List<Segment> out = new ArrayList<>();
            for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
                out.add(new Segment(p.getMatchingProperty(), p.getMatchingIndex()));
            }
            return out.toArray(Segment[]::new);
        }

        /** @return whether the value the container context {@code context} is at lies exactly at {@code path} */
        static boolean matches(Segment[] path, JsonStreamContext context) {
            int i = path.length;
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (--i < 0) {
                    return false;
                }
                Segment s = path[i];
                if (c.inObject() ? !s.name.equals(c.getCurrentName()) : s.index != c.getCurrentIndex()) {
                    return false;
                }
            }
            return i == 0;
        }
    }
}
