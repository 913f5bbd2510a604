package io.jetconnect.plugins.redact;

import java.util.Locale;

/**
 * Literals that every match of a regular expression contains, when they can be read off the start of its text, so
 * that a string without any of them is known not to match without running the regex (a few vectorized
 * {@code indexOf} calls instead of a scan that tries the pattern at every position: with the shipped patterns,
 * about 12 us of the 1 KiB event's redaction, the largest cost of the whole chain).
 *
 * <p>Read conservatively: a leading {@code (?i)}, then any zero-width {@code \b} or {@code ^}, then either a run of
 * plain characters (letters, digits and punctuation that is no regex syntax; a last character followed by a
 * quantifier is left out) or a non-capturing group of such runs separated by {@code |}. Anything else, a
 * top-level {@code |}, or a run shorter than two characters, and nothing is known: the regex always runs.
 * {@code (?i)} compares ignoring ASCII case, as {@link java.util.regex.Pattern#CASE_INSENSITIVE} does without
 * {@code UNICODE_CASE}.
 */
final class RequiredLiterals {

    private static final RequiredLiterals UNKNOWN = new RequiredLiterals(new String[0], false);
    private static final String PLAIN_PUNCTUATION = "-:/_@=,;'\"<>!%&~# ";

    private final String[] literals;
    private final boolean ignoreCase;

    private RequiredLiterals(String[] literals, boolean ignoreCase) {
        this.literals = literals;
        this.ignoreCase = ignoreCase;
    }

    /** @return the literals of a regex, or an instance that knows none */
    static RequiredLiterals of(String regex) {
        int i = 0;
        boolean ignoreCase = false;
        if (regex.startsWith("(?i)")) {
            ignoreCase = true;
            i = 4;
        }
        if (hasTopLevelAlternation(regex)) {
            return UNKNOWN;
        }
        while (true) {
            if (regex.startsWith("\\b", i)) {
                i += 2;
            } else if (regex.startsWith("^", i)) {
                i++;
            } else {
                break;
            }
        }
        if (regex.startsWith("(?:", i)) {
            int close = regex.indexOf(')', i);
            if (close < 0 || quantified(regex, close + 1)) {
                return UNKNOWN;
            }
            String[] alternatives = regex.substring(i + 3, close).split("\\|", -1);
            for (String alternative : alternatives) {
                if (alternative.length() < 2 || !alternative.chars().allMatch(RequiredLiterals::plain)) {
                    return UNKNOWN;
                }
            }
            return known(alternatives, ignoreCase);
        }
        int end = i;
        while (end < regex.length() && plain(regex.charAt(end))) {
            end++;
        }
        if (quantified(regex, end)) {
            end--;
        }
        return end - i < 2 ? UNKNOWN : known(new String[] {regex.substring(i, end)}, ignoreCase);
    }

    private static RequiredLiterals known(String[] literals, boolean ignoreCase) {
        if (ignoreCase) {
            for (int i = 0; i < literals.length; i++) {
                literals[i] = literals[i].toLowerCase(Locale.ROOT);
            }
        }
        return new RequiredLiterals(literals, ignoreCase);
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || PLAIN_PUNCTUATION.indexOf(c) >= 0;
    }

    private static boolean quantified(String regex, int at) {
        return at < regex.length() && "?*+{".indexOf(regex.charAt(at)) >= 0;
    }

    /** @return whether a {@code |} outside every group, class and quote splits the whole regex */
    static boolean hasTopLevelAlternation(String regex) {
        int depth = 0;
        int classDepth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (regex.startsWith("Q", i + 1)) {
                    int end = regex.indexOf("\\E", i + 2);
                    if (end < 0) {
                        return false;
                    }
                    i = end + 1;
                } else {
                    i++;
                }
            } else if (c == '[') {
                classDepth++;
                // A ']' first in a class (after an optional '^') is a literal ']'.
                if (regex.startsWith("^", i + 1)) {
                    i++;
                }
                if (regex.startsWith("]", i + 1)) {
                    i++;
                }
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
            } else if (classDepth == 0) {
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == '|' && depth == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether anything is known (otherwise {@link #absentFrom} is always false) */
    boolean known() {
        return literals.length > 0;
    }

    /**
     * @param s the string
     * @return true if none of the literals occurs in it, so the regex cannot match it
     */
    boolean absentFrom(String s) {
        if (literals.length == 0) {
            return false;
        }
        for (String literal : literals) {
            if (ignoreCase ? containsIgnoringCase(s, literal) : s.contains(literal)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds a lower-case literal in any ASCII case without copying the string: each place where its first letter
     * occurs in either case (found with {@code indexOf}), then a case-blind comparison. {@code regionMatches} also
     * folds a few non-ASCII letters onto ASCII ones (the Kelvin sign onto k); that only runs the regex needlessly.
     */
    static boolean containsIgnoringCase(String s, String lowerLiteral) {
        char first = lowerLiteral.charAt(0);
        char other = Character.toUpperCase(first);
        int n = lowerLiteral.length();
        int lower = s.indexOf(first);
        int upper = other == first ? -1 : s.indexOf(other);
        while (lower >= 0 || upper >= 0) {
            int at;
            if (upper < 0 || lower >= 0 && lower < upper) {
                at = lower;
                lower = s.indexOf(first, at + 1);
            } else {
                at = upper;
                upper = s.indexOf(other, at + 1);
            }
            if (s.regionMatches(true, at, lowerLiteral, 0, n)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return known() ? String.join("|", literals) + (ignoreCase ? " (ignoring case)" : "") : "unknown";
    }
}
