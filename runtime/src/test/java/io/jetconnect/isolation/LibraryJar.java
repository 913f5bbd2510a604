package io.jetconnect.isolation;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources with the JDK's compiler and packs the classes into a jar: a library, made up on the spot,
 * for a test plugin to bundle.
 */
public final class LibraryJar {

    private LibraryJar() {
    }

    /**
     * @param jar where to write the jar; its parent is used for the sources and classes too
     * @param sources the sources by class name, such as {@code "com.example.Version" -> "package com.example; ..."}
     * @return {@code jar}
     */
    public static Path compile(Path jar, Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: run the tests on a JDK, not a JRE");
        }
        String base = jar.getFileName().toString().replace(".jar", "");
        Path src = jar.resolveSibling(base + "-src");
        Path classes = jar.resolveSibling(base + "-classes");
        try {
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                files.add(Files.writeString(file, source.getValue()));
            }
            Files.createDirectories(classes);
            StringWriter errors = new StringWriter();
            try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, null)) {
                boolean compiled = javac.getTask(errors, fileManager, null,
                        List.of("--release", "17", "-proc:none", "-d", classes.toString()), null,
                        fileManager.getJavaFileObjectsFromPaths(files)).call();
                if (!compiled) {
                    throw new IllegalStateException("cannot compile " + sources.keySet() + ":\n" + errors);
                }
            }
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                 Stream<Path> walk = Files.walk(classes)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                    zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
