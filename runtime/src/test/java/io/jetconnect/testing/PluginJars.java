package io.jetconnect.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds real PF4J plugin jars in a test's temporary directory (as PF4J's own tests do with
 * {@code PluginJar.Builder}): a manifest descriptor, {@code META-INF/extensions.idx}, the named classes copied
 * from the test class path, and any extra resources.
 */
public final class PluginJars {

    private final Path file;
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final List<Class<?>> classes = new ArrayList<>();
    private final List<String> extensions = new ArrayList<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();

    private PluginJars(Path file, String id, String version) {
        this.file = file;
        manifest.put("Plugin-Id", id);
        manifest.put("Plugin-Version", version);
    }

    public static PluginJars builder(Path file, String id, String version) {
        return new PluginJars(file, id, version);
    }

    /** Overrides or removes (null) a manifest entry, e.g. to break the descriptor. */
    public PluginJars manifest(String key, String value) {
        if (value == null) {
            manifest.remove(key);
        } else {
            manifest.put(key, value);
        }
        return this;
    }

    /** Adds an extension: its class file, its nested classes, and a line in extensions.idx. */
    public PluginJars extension(Class<?> cls) {
        classes.add(cls);
        extensions.add(cls.getName());
        return this;
    }

    /** Lists a class in extensions.idx without adding its class file (a class that fails to load). */
    public PluginJars missingExtension(String className) {
        extensions.add(className);
        return this;
    }

    /** Adds a class file that is not an extension. */
    public PluginJars clazz(Class<?> cls) {
        classes.add(cls);
        return this;
    }

    public PluginJars resource(String name, String content) {
        resources.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Path build() {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, mf)) {
            java.util.Set<Class<?>> written = new java.util.HashSet<>();
            for (Class<?> cls : classes) {
                if (written.add(cls)) {
                    copyClass(jar, cls);
                }
                for (Class<?> nested : cls.getDeclaredClasses()) {
                    if (written.add(nested)) {
                        copyClass(jar, nested);
                    }
                }
            }
            if (!extensions.isEmpty()) {
                jar.putNextEntry(new JarEntry("META-INF/extensions.idx"));
                jar.write((String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
            for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
                jar.putNextEntry(new JarEntry(resource.getKey()));
                jar.write(resource.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void copyClass(JarOutputStream jar, Class<?> cls) throws IOException {
        String name = cls.getName().replace('.', '/') + ".class";
        try (InputStream in = cls.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("class file not found: " + name);
            }
            jar.putNextEntry(new JarEntry(name));
            in.transferTo(jar);
            jar.closeEntry();
        }
    }
}
