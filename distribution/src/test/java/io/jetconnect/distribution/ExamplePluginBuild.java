package io.jetconnect.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds {@code examples/plugin-example} the way its author would: a standalone Maven build, run with the root's
 * wrapper, against the SPI as a Maven artifact. That artifact is the SPI jar this reactor built
 * ({@code spi/target}), installed with {@code install:install-file}, together with the parent POM its POM names,
 * into a local repository of the test's own. That repository falls back read-only on the user's
 * ({@code maven.repo.local.tail}, Maven 3.9), so nothing is downloaded twice and {@code ~/.m2} is left as it was.
 * The example is copied first, so its build writes nothing into the source tree.
 *
 * <p>The builds go online like the outer one; {@code -Djetconnect.it.offline=true} on the outer command line
 * (failsafe passes user properties on) makes them offline.
 */
final class ExamplePluginBuild {

    private static final Pattern SPI_JAR = Pattern.compile("jetconnect-spi-(\\d[^-]*(?:-SNAPSHOT)?)\\.jar");
    private static final long BUILD_TIMEOUT_MINUTES = 10;

    private final Path root;
    private final Path work;
    private final Path repository;

    /**
     * @param work an empty directory of the test's, for the local repository, the copy of the example and logs
     */
    ExamplePluginBuild(Path work) {
        this.root = projectRoot();
        this.work = work;
        this.repository = work.resolve("repository");
    }

    /** @return the checkout's root: the parent of this module's directory */
    static Path projectRoot() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path root = module.getParent();
        if (root == null || !Files.isRegularFile(root.resolve("mvnw"))
                || !Files.isRegularFile(root.resolve("examples/plugin-example/pom.xml"))) {
            throw new IllegalStateException("cannot find the project root (with mvnw and examples/) above " + module);
        }
        return root;
    }

    /**
     * @return {@code shared/plugins}, holding the built-in plugin zips and the example's jar (built under
     *     {@code shared/build}): a plugins directory of its own, so the distribution's is left untouched
     */
    static Path pluginsWithTheExample(Path shared) throws IOException, InterruptedException {
        Path jar = new ExamplePluginBuild(Files.createDirectories(shared.resolve("build"))).build();
        Path plugins = Files.createDirectories(shared.resolve("plugins"));
        RuntimeProcess.copyBuiltInPlugins(plugins);
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        return plugins;
    }

    /** @return the example's plugin jar, built */
    Path build() throws IOException, InterruptedException {
        Path spiJar = spiJar();
        Matcher version = SPI_JAR.matcher(spiJar.getFileName().toString());
        if (!version.matches()) {
            throw new IllegalStateException("unexpected SPI jar name: " + spiJar);
        }
        maven("install-parent", "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file",
                "-Dfile=" + root.resolve("pom.xml"), "-DpomFile=" + root.resolve("pom.xml"), "-Dpackaging=pom");
        maven("install-spi", "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file",
                "-Dfile=" + spiJar, "-DpomFile=" + root.resolve("spi/pom.xml"));
        Path example = copy(root.resolve("examples/plugin-example"), work.resolve("plugin-example"));
        maven("build-example", "-f", example.resolve("pom.xml").toString(), "package",
                "-Djetconnect.version=" + version.group(1));
        try (Stream<Path> jars = Files.list(example.resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the example's build made no jar"));
        }
    }

    private Path spiJar() throws IOException {
        Path target = root.resolve("spi/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(p -> SPI_JAR.matcher(p.getFileName().toString()).matches()).toList();
                if (jars.size() == 1) {
                    return jars.get(0);
                }
            }
        }
        throw new IllegalStateException("no SPI jar in " + target + ": build the reactor first (./mvnw verify)");
    }

    private void maven(String step, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-ntp",
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + userRepository()));
        if (Boolean.getBoolean("jetconnect.it.offline")) {
            command.add("-o");
        }
        command.addAll(List.of(args));
        Path log = work.resolve(step + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The JDK running this test, not whatever java the PATH has first.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_ARGS");
        Process process = builder.start();
        if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(step + " did not finish within " + BUILD_TIMEOUT_MINUTES + " minutes:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(step + " failed (" + String.join(" ", command) + "):\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static Path userRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Copies the example's tree, leaving out its {@code target/}. */
    private static Path copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(from.resolve("target"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
        return to;
    }
}
