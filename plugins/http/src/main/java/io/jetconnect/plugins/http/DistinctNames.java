package io.jetconnect.plugins.http;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The names seen so far in each JSON object open at the parser's position, innermost last, to refuse a name
 * repeated within one object as Jackson's {@code STRICT_DUPLICATE_DETECTION} does.
 *
 * <p>Why not that feature: it builds a {@code HashSet} for every object of three names or more, a quarter of the
 * cost of reading a typical event. Here the names of all open objects share one array, scanned linearly, hash codes
 * first (a parser returns the same {@code String} for a name it has seen, whose hash code is cached); an object past
 * {@value #SCAN_LIMIT} names moves to a set, so that a huge object costs no quadratic scan.
 *
 * <p>Not thread-safe; one instance serves one parser at a time.
 */
final class DistinctNames {

    private static final int SCAN_LIMIT = 16;

    private String[] names = new String[64];
    /** The names' hash codes, compared first: a parser's names cache theirs, so this is cheaper than equals. */
    private int[] hashes = new int[64];
    private int size;
    /** Per open object: where its names start in {@link #names}, and its set once it has one. */
    private int[] starts = new int[16];
    private Object[] sets = new Object[16];
    private int depth;

    /** Forgets every object, as at the start of a document. */
    void clear() {
        Arrays.fill(sets, 0, depth, null);
        depth = 0;
        size = 0;
    }

    /** Opens an object, nested in the one open (if any). */
    void enter() {
        if (depth == starts.length) {
            starts = Arrays.copyOf(starts, depth * 2);
            sets = Arrays.copyOf(sets, depth * 2);
        }
        starts[depth] = size;
        sets[depth] = null;
        depth++;
    }

    /** Closes the innermost object. */
    void leave() {
        depth--;
        size = starts[depth];
        sets[depth] = null;
    }

    /** @return whether {@code name} is new to the innermost object, which now has it */
    @SuppressWarnings("unchecked")
    boolean add(String name) {
        int start = starts[depth - 1];
        if (sets[depth - 1] != null) {
            return ((Set<String>) sets[depth - 1]).add(name);
        }
        int hash = name.hashCode();
        for (int i = start; i < size; i++) {
            if (hashes[i] == hash && names[i].equals(name)) {
                return false;
            }
        }
        if (size - start == SCAN_LIMIT) {
            Set<String> set = new HashSet<>(Arrays.asList(names).subList(start, size));
            set.add(name);
            sets[depth - 1] = set;
            return true;
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size] = hash;
        names[size++] = name;
        return true;
    }
}
