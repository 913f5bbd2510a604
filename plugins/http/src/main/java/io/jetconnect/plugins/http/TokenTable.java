package io.jetconnect.plugins.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bearer tokens of a tokens file, each line {@code TOKEN tenant1,tenant2} or {@code TOKEN *} ({@code #} starts a
 * comment line). Only each token's SHA-256 digest is kept; a presented token is digested and compared with every
 * entry by {@link MessageDigest#isEqual}, which takes the same time wherever the digests differ, and the loop never
 * stops early, so the time taken says nothing of which entry, if any, matched. Errors name the file and a line
 * number, never a line's content. Immutable and thread-safe.
 */
final class TokenTable {

    /** A token shorter than this is refused when the file is read: a guessable token protects nothing. */
    static final int MIN_TOKEN_CHARS = 16;

    private record Entry(byte[] digest, Grant grant) {
    }

    private final List<Entry> entries;

    private TokenTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param file the tokens file
     * @return its tokens
     * @throws IllegalArgumentException saying what is wrong and where ({@code FILE:LINE}), never with a token
     */
    static TokenTable read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the tokens file " + file + " does not exist");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("the tokens file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("the tokens file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + ": expected a token and its tenants "
                        + "(TOKEN tenant1,tenant2 or TOKEN *), separated by whitespace");
            }
            if (fields[0].length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException(where + ": the token is shorter than " + MIN_TOKEN_CHARS
                        + " characters");
            }
            List<String> tenants = Arrays.asList(fields[1].split(",", -1));
            String problem = TenantNames.problem(tenants);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": " + problem);
            }
            byte[] digest = digest(fields[0]);
            for (Entry entry : entries) {
                if (MessageDigest.isEqual(entry.digest(), digest)) {
                    throw new IllegalArgumentException(where + ": the token repeats the one at "
                            + entry.grant().principal());
                }
            }
            entries.add(new Entry(digest, Grant.of(file.getFileName() + ":" + (i + 1), tenants)));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the tokens file " + file + " holds no token");
        }
        return new TokenTable(entries);
    }

    /** @return the grant of {@code token}, or null if no entry has it */
    Grant find(String token) {
        byte[] digest = digest(token);
        Grant found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.grant();
            }
        }
        return found;
    }

    int size() {
        return entries.size();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
