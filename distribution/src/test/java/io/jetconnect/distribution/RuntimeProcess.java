package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built distribution's {@code bin/jetconnect}, started as a real process in a working directory of the
 * test's, with everything it prints captured to a file the test can read and scan.
 */
public final class RuntimeProcess implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final int httpPort;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RuntimeProcess(Process process, Path output, int httpPort) {
        this.process = process;
        this.output = output;
        this.httpPort = httpPort;
    }

    /** @return the unpacked distribution built by this module */
    public static Path home() {
        String home = System.getProperty("jetconnect.dist.home");
        if (home == null) {
            throw new IllegalStateException("jetconnect.dist.home is not set: run through failsafe (./mvnw verify)");
        }
        return Path.of(home);
    }

    /** @return the built-in plugins of the distribution: each a folder under plugins/, shipped expanded */
    public static List<Path> builtInPluginFolders() {
        try (java.util.stream.Stream<Path> files = Files.list(home().resolve("plugins"))) {
            return files.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the distribution's built-in plugin folders into {@code target} (the distribution's own stay as are). */
    public static void copyBuiltInPlugins(Path target) {
        try {
            Files.createDirectories(target);
            for (Path plugin : builtInPluginFolders()) {
                try (java.util.stream.Stream<Path> walk = Files.walk(plugin)) {
                    for (Path from : walk.toList()) {
                        Path to = target.resolve(home().resolve("plugins").relativize(from).toString());
                        if (Files.isDirectory(from)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(from, to);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a verb to completion.
     *
     * @return the exit code and everything printed
     */
    public static Result exec(Path workDir, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(workDir, "exec-", ".log");
            List<String> command = new ArrayList<>();
            command.add(home().resolve("bin/jetconnect").toString());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().remove("NATS_URL");
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jetconnect " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The outcome of {@link #exec}. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Starts {@code bin/jetconnect run --config CONFIG} in {@code workDir} and waits until {@code /readyz} answers
     * 200.
     */
    public static RuntimeProcess run(Path workDir, Path config, int httpPort, Map<String, String> env) {
        RuntimeProcess runtime = launch(workDir, config, httpPort, env);
        runtime.awaitReady();
        return runtime;
    }

    /**
     * Like {@link #run} but waits only until the listener answers {@code /healthz}, not for {@code /readyz}: for a
     * runtime whose pipelines are not ready (waiting for a broker that is down).
     */
    /** Starts {@code bin/jetconnect run} and returns at once: for a listener plain HTTP cannot probe (TLS). */
    public static RuntimeProcess start(Path workDir, Path config, int httpPort, Map<String, String> env) {
        return launch(workDir, config, httpPort, env);
    }

    public static RuntimeProcess runUnready(Path workDir, Path config, int httpPort, Map<String, String> env) {
        RuntimeProcess runtime = launch(workDir, config, httpPort, env);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!runtime.process.isAlive()) {
                throw new IllegalStateException("jetconnect exited:\n" + runtime.output());
            }
            try {
                return runtime.get("/healthz").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return runtime;
    }

    private static RuntimeProcess launch(Path workDir, Path config, int httpPort, Map<String, String> env) {
        try {
            Path out = workDir.resolve("runtime-" + System.nanoTime() + ".log");
            ProcessBuilder builder = new ProcessBuilder(home().resolve("bin/jetconnect").toString(), "run",
                    "--config", config.toString())
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().remove("NATS_URL");
            builder.environment().putAll(env);
            return new RuntimeProcess(builder.start(), out, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code bin/jetconnect run --config CONFIG} like {@link #run} but waits only until {@code /healthz}
     * answers 200 (the listener is up), for a runtime whose pipelines are not expected to be ready.
     */
    public static RuntimeProcess runListening(Path workDir, Path config, int httpPort, Map<String, String> env) {
        RuntimeProcess runtime = launch(workDir, config, httpPort, env);
        runtime.await200("/healthz");
        return runtime;
    }

    private void awaitReady() {
        await200("/readyz");
    }

    /** Waits until {@code path} answers 200; fails at once if the process exits first. */
    private void await200(String path) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("jetconnect exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                return get(path).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String contentType, String body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * Sends a request with any method.
     *
     * @param body the request body, or null for none; sent as {@code application/json} either way unless the
     *     method is GET or HEAD, as the admin API asks of calls that change state
     * @param headers header names and values, alternating
     */
    public HttpResponse<String> request(String method, String path, String body, String... headers)
            throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null || !(method.equals("GET") || method.equals("HEAD"))) {
            builder.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build());
    }

    /** @return the process id of the runtime's JVM ({@code bin/jetconnect} execs java) */
    public long pid() {
        return process.pid();
    }

    /** @return the command lines of the runtime's child processes and theirs, as the OS reports them */
    public List<String> descendantCommands() {
        return process.descendants().map(p -> p.info().commandLine().orElse(p.info().command().orElse("?")))
                .toList();
    }

    /** Sends SIGHUP with {@code kill -HUP}: the runtime re-reads its pipeline.conf. */
    public void hangUp() throws IOException, InterruptedException {
        signal("HUP");
    }

    /** Freezes the runtime with SIGSTOP, as a long pause or a partition would: it neither runs nor answers. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a runtime frozen by {@link #freeze()} run again (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Waits until the output contains {@code text}, failing early if the process exits. */
    public void awaitOutput(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("jetconnect exited with " + process.exitValue() + " before printing '"
                        + text + "':\n" + output());
            }
            return false;
        });
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** @return everything the process printed so far */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Sends SIGTERM and waits for the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("jetconnect did not stop within 60s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** Kills the process with SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
