package io.jetconnect.distribution;

import io.jetconnect.testing.PluginJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One plugin case of the bad-input corpus, a directory under {@code corpus/plugins/}: {@code plugin.txt} describes
 * one or more plugin files that {@link #buildInto} makes with {@link PluginJars}; {@code expect.txt} says what
 * {@code jetconnect plugins} (and, with {@code run: true}, the runtime) must make of them.
 *
 * <p>{@code plugin.txt}: each file starts with {@code jar: FILE-NAME}, followed by {@code id}, {@code version},
 * {@code zip: true} (the built-ins' zip layout), {@code remove-manifest: KEY}, {@code extension: CLASS} (class file
 * plus a line in extensions.idx), {@code missing-extension: CLASS} (the line only), {@code class: CLASS},
 * {@code resource: NAME = TEXT}, {@code truncate: BYTES} (cut the built file), or {@code raw: TEXT} (the file is
 * that text, not a jar). Classes come from the test class path: {@code io.jetconnect.testplugin.*} of the runtime's
 * test jar and the corpus classes of this package.
 *
 * <p>{@code expect.txt}: {@code exit}, {@code skipped-contains} (a {@code skipped:} line of the listing containing
 * it), {@code lists: PLUGIN-ID KIND TYPE} (a listing line of that plugin provides that type), {@code not-lists: TEXT}
 * (no listing line contains it), {@code run: true} (the runtime starts with these plugins and a valid event lands),
 * {@code run-extra-sink: BLOCK} with {@code run-extra-state} and {@code run-contains} (a second pipeline
 * {@code http -> BLOCK} and what becomes of it).
 */
record PluginCorpusCase(String name, Path dir, CorpusSpec spec, CorpusSpec expect) {

    static PluginCorpusCase load(Path dir) {
        return new PluginCorpusCase(dir.getFileName().toString(), dir, CorpusSpec.read(dir.resolve("plugin.txt")),
                CorpusSpec.read(dir.resolve("expect.txt")));
    }

    /** Builds the case's plugin files into a plugins directory. */
    void buildInto(Path plugins) {
        List<List<Map.Entry<String, String>>> files = new ArrayList<>();
        for (Map.Entry<String, String> entry : spec.entries()) {
            if (entry.getKey().equals("jar")) {
                files.add(new ArrayList<>());
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(dir + "/plugin.txt: must start with 'jar: FILE'");
            }
            files.get(files.size() - 1).add(entry);
        }
        for (List<Map.Entry<String, String>> file : files) {
            build(plugins, file);
        }
    }

    private static void build(Path plugins, List<Map.Entry<String, String>> entries) {
        Path file = plugins.resolve(entries.get(0).getValue());
        String id = value(entries, "id", "corpus");
        String version = value(entries, "version", "1.0.0");
        try {
            String raw = value(entries, "raw", null);
            if (raw != null) {
                Files.writeString(file, raw, StandardCharsets.UTF_8);
                return;
            }
            PluginJars jar = PluginJars.builder(file, id, version);
            for (Map.Entry<String, String> entry : entries) {
                String v = entry.getValue();
                switch (entry.getKey()) {
                    case "remove-manifest" -> jar.manifest(v, null);
                    case "extension" -> jar.extension(load(v));
                    case "missing-extension" -> jar.missingExtension(v);
                    case "class" -> jar.clazz(load(v));
                    case "resource" -> {
                        int eq = v.indexOf('=');
                        jar.resource(v.substring(0, eq).trim(), v.substring(eq + 1).trim() + "\n");
                    }
                    case "jar", "id", "version", "zip", "truncate" -> {
                        // read above or below
                    }
                    default -> throw new IllegalArgumentException("unknown plugin.txt key " + entry.getKey());
                }
            }
            if (Boolean.parseBoolean(value(entries, "zip", "false"))) {
                jar.buildZip();
            } else {
                jar.build();
            }
            String truncate = value(entries, "truncate", null);
            if (truncate != null) {
                byte[] bytes = Files.readAllBytes(file);
                Files.write(file, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, Integer.parseInt(truncate))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("plugin.txt names a class not on the test class path", e);
        }
    }

    /** Loads a class without initialising it: some corpus classes fail on purpose when initialised. */
    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, PluginCorpusCase.class.getClassLoader());
    }

    private static String value(List<Map.Entry<String, String>> entries, String key, String fallback) {
        return entries.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).findFirst()
                .orElse(fallback);
    }

    /**
     * Fills a directory with the built-in plugin zips of the distribution (the distribution's own plugins/ is left
     * untouched), to which each case adds its files and from which {@link #removeAddedSince} takes them again.
     */
    static Path builtInPlugins(Path dir) {
        try {
            Files.createDirectories(dir);
            RuntimeProcess.copyBuiltInPlugins(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the names in a directory */
    static java.util.Set<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes, recursively, what was added to a directory since {@code before} was listed. */
    static void removeAddedSince(Path dir, java.util.Set<String> before) {
        for (String name : listing(dir)) {
            if (before.contains(name)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir.resolve(name))) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
