package io.jetconnect.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code key: value} file of the bad-input corpus ({@code expect.txt}, {@code generate.txt}, {@code plugin.txt}):
 * one entry a line, a key may repeat, blank lines and lines starting with {@code #} are ignored. Values keep their
 * inner spaces; only the space after the colon and trailing spaces are dropped.
 */
final class CorpusSpec {

    private final Path file;
    private final List<Map.Entry<String, String>> entries;

    private CorpusSpec(Path file, List<Map.Entry<String, String>> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** @return the file's entries; an absent file has none */
    static CorpusSpec read(Path file) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).stripTrailing();
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'key: value'");
                }
                String value = line.substring(colon + 1);
                entries.add(Map.entry(line.substring(0, colon).trim(), value.startsWith(" ") ? value.substring(1)
                        : value));
            }
        }
        return new CorpusSpec(file, entries);
    }

    /** @return the first value of a key */
    Optional<String> get(String key) {
        return entries.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).findFirst();
    }

    /** @return the first value of a key, which must be there */
    String require(String key) {
        return get(key).orElseThrow(() -> new IllegalArgumentException(file + ": no '" + key + "'"));
    }

    /** @return every value of a key, in file order */
    List<String> all(String key) {
        return entries.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).toList();
    }

    /** @return every entry, in file order */
    List<Map.Entry<String, String>> entries() {
        return entries;
    }

    /** @return the one-line description of a known bug this case demonstrates, if any */
    Optional<String> knownBug() {
        return get("known-bug");
    }

    /** @return the case directories under a corpus folder, sorted by name */
    static List<Path> caseDirectories(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the corpus folder of a category, from the test class path: a directory, or a folder inside a jar (the
     *     http cases come from the http plugin's test-jar)
     */
    static Path corpus(String category) {
        java.net.URL url = CorpusSpec.class.getResource("/corpus/" + category);
        if (url == null) {
            throw new IllegalStateException("corpus/" + category + " is not on the test class path");
        }
        try {
            java.net.URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                try {
                    java.nio.file.FileSystems.newFileSystem(uri, Map.of());
                } catch (java.nio.file.FileSystemAlreadyExistsException alreadyOpen) {
                    // another category of the same jar opened it: the path below is in that file system
                }
            }
            return Path.of(uri);
        } catch (java.net.URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tally of the corpus cases run by a test class, for its one-line summary. */
    static final class Tally {
        private final Map<String, Boolean> outcomes = new LinkedHashMap<>();

        synchronized void record(String name, boolean passed) {
            outcomes.put(name, passed);
        }

        synchronized String summary() {
            long passed = outcomes.values().stream().filter(b -> b).count();
            List<String> failed = outcomes.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
                    .toList();
            return "corpus: " + outcomes.size() + " cases, " + passed + " passed"
                    + (failed.isEmpty() ? "" : " (failed: " + String.join(", ", failed) + ")");
        }
    }
}
