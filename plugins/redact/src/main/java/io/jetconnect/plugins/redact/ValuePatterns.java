package io.jetconnect.plugins.redact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions whose matches are replaced inside string values. Each pattern replaces its whole match,
 * or only its group named {@code secret} when it has one and that group took part in the match (so that
 * {@code Bearer <token>} keeps the word {@code Bearer}). Patterns apply one after the other, each to the output of
 * the previous one; a span that lies within the {@link Mask}'s own output is left alone, which keeps redaction
 * idempotent.
 *
 * <p>Compiled once; immutable and thread-safe.
 */
final class ValuePatterns {

    private static final String SECRET_GROUP = "secret";

    private final Pattern[] patterns;
    private final boolean[] hasSecretGroup;
    /** Per pattern, literals a match must contain: most strings are ruled out without running the regex. */
    private final RequiredLiterals[] required;
    /** Whether every pattern has literals, so that {@link #mayMatchWithin} can rule a whole text out. */
    private final boolean allKnown;

    private ValuePatterns(Pattern[] patterns, boolean[] hasSecretGroup) {
        this.patterns = patterns;
        this.hasSecretGroup = hasSecretGroup;
        this.required = new RequiredLiterals[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            required[i] = RequiredLiterals.of(patterns[i].pattern());
        }
        this.allKnown = Arrays.stream(required).allMatch(RequiredLiterals::known);
    }

    /**
     * @param regexes the configured regular expressions
     * @throws IllegalArgumentException naming the entry that does not compile or matches the empty string
     */
    static ValuePatterns compile(List<String> regexes) {
        List<Pattern> compiled = new ArrayList<>(regexes.size());
        boolean[] groups = new boolean[regexes.size()];
        for (int i = 0; i < regexes.size(); i++) {
            Pattern p;
            try {
                p = Pattern.compile(regexes.get(i));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("entry " + i + " is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
            if (p.matcher("").matches()) {
                throw new IllegalArgumentException("entry " + i + " matches the empty string");
            }
            compiled.add(p);
            groups[i] = hasSecretGroup(regexes.get(i));
        }
        return new ValuePatterns(compiled.toArray(Pattern[]::new), groups);
    }

    private static boolean hasSecretGroup(String regex) {
        if (!regex.contains("(?<" + SECRET_GROUP + ">")) {
            return false;
        }
        // Java 17 has no Pattern.namedGroups(): a back reference to a group that does not exist fails to compile.
        try {
            Pattern.compile("(?:" + regex + ")|\\k<" + SECRET_GROUP + ">");
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    int size() {
        return patterns.length;
    }

    /**
     * Tells, from the raw bytes of a JSON text and without decoding any string, whether a string value in it may
     * match a pattern. False only when every pattern has {@linkplain RequiredLiterals#known() known literals}, the
     * text holds no backslash (an escape could spell a literal's characters: a {@code u} escape of a letter, an
     * escaped slash in {@code ://}) and no literal occurs anywhere in it. Sound for UTF-8: the literals are ASCII,
     * and ASCII bytes occur in UTF-8 only as themselves, so a literal in a decoded string is also in the bytes (an
     * overlong form, which is not UTF-8 but which Jackson decodes, also sends the text to the full scan).
     * Decoding the bytes as ISO-8859-1 is one copy and lets the vectorized {@code indexOf} of {@link String} search;
     * for the common event, which holds none of the literals, this replaces decoding and searching every string.
     */
    boolean mayMatchWithin(byte[] json) {
        if (!allKnown) {
            return true;
        }
        String text = new String(json, StandardCharsets.ISO_8859_1);
        if (text.indexOf('\\') >= 0 || mayHideAscii(text)) {
            return true;
        }
        for (RequiredLiterals r : required) {
            if (!r.absentFrom(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether the bytes (one char each) hold the start of an overlong UTF-8 form of an ASCII character:
     *     invalid UTF-8, but Jackson's byte parser decodes such forms, so they could spell a literal unseen
     */
    private static boolean mayHideAscii(String latin1) {
        return latin1.indexOf('\u00C0') >= 0 || latin1.indexOf('\u00C1') >= 0
                || latin1.contains("\u00E0\u0080") || latin1.contains("\u00E0\u0081")
                || latin1.contains("\u00F0\u0080");
    }

    /** @return a finder for one scan of one event, on one thread */
    Finder finder() {
        return new Finder();
    }

    /**
     * Tells whether any pattern finds a match in a string: a conservative test (a match may turn out to be the
     * mask's own output). Reuses one {@link Matcher} per pattern across the strings of one scan, so it is not
     * thread-safe.
     */
    final class Finder {
        private final Matcher[] matchers = new Matcher[patterns.length];

        boolean anyMatch(String s) {
            for (int i = 0; i < matchers.length; i++) {
                if (required[i].absentFrom(s)) {
                    continue;
                }
                Matcher m = matchers[i];
                if (m == null) {
                    m = matchers[i] = patterns[i].matcher(s);
                } else {
                    m.reset(s);
                }
                if (m.find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** @return {@code s} with every match replaced by the mask's output; the same instance if nothing changed */
    String redact(String s, Mask mask) {
        String current = s;
        for (int i = 0; i < patterns.length; i++) {
            if (required[i].absentFrom(current)) {
                continue;
            }
            Matcher m = patterns[i].matcher(current);
            if (!m.find()) {
                continue;
            }
            StringBuilder out = null;
            int copied = 0;
            do {
                int start = m.start();
                int end = m.end();
                if (hasSecretGroup[i] && m.start(SECRET_GROUP) >= 0) {
                    start = m.start(SECRET_GROUP);
                    end = m.end(SECRET_GROUP);
                }
                if (end <= start || mask.markerEnd(current, start) >= end) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(current.length() + 16);
                }
                out.append(current, copied, start).append(mask.apply(current.substring(start, end)));
                copied = end;
            } while (m.find());
            if (out != null) {
                current = out.append(current, copied, current.length()).toString();
            }
        }
        return current;
    }

    @Override
    public String toString() {
        return "ValuePatterns[" + patterns.length + "]";
    }
}
