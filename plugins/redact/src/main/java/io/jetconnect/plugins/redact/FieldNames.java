package io.jetconnect.plugins.redact;

import java.util.ArrayList;
import java.util.List;

/**
 * The set of field names to redact, compared after normalisation: case is ignored (char by char, so that both
 * sides fold the same way) and {@code -} and {@code _} are dropped, so {@code api_key}, {@code API-KEY} and
 * {@code apiKey} are one name. Otherwise the comparison is exact: {@code token} does not match {@code tokens}.
 *
 * <p>{@link #matches} allocates nothing: it runs once per field name of every JSON event. Immutable.
 */
final class FieldNames {

    private final String[] normalized;
    private final int[] hashes;
    private final int minLength;
    private final int maxLength;

    private FieldNames(List<String> names) {
        this.normalized = names.toArray(String[]::new);
        this.hashes = new int[normalized.length];
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < normalized.length; i++) {
            hashes[i] = normalized[i].hashCode();
            min = Math.min(min, normalized[i].length());
            max = Math.max(max, normalized[i].length());
        }
        this.minLength = min;
        this.maxLength = max;
    }

    /**
     * @param names the configured names
     * @throws IllegalArgumentException if a name is empty once normalised
     */
    static FieldNames of(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String n = normalize(names.get(i));
            if (n.isEmpty()) {
                throw new IllegalArgumentException("entry " + i + " is empty once '-' and '_' are dropped");
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return new FieldNames(out);
    }

    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /** @return the number of distinct names once normalised */
    int size() {
        return normalized.length;
    }

    /** @return whether {@code name} is one of the names; false for null */
    boolean matches(String name) {
        if (name == null || normalized.length == 0) {
            return false;
        }
        int hash = 0;
        int length = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                hash = 31 * hash + Character.toLowerCase(c);
                length++;
            }
        }
        if (length < minLength || length > maxLength) {
            return false;
        }
        for (int k = 0; k < normalized.length; k++) {
            if (hashes[k] == hash && normalized[k].length() == length && sameNormalized(name, normalized[k])) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameNormalized(String name, String target) {
        int j = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                if (Character.toLowerCase(c) != target.charAt(j++)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "FieldNames" + List.of(normalized);
    }
}
