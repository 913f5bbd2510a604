package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/jetconnect} with any arguments as a real process whose outcome the test does not know in advance (it
 * may refuse to start, start with a failed pipeline, or run): everything it prints goes to a file, and the test
 * waits, bounded, for text in it, for its exit, or for its listener. {@link RuntimeProcess} is the one to use when
 * the runtime is expected to become ready.
 */
final class JetconnectProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http:\\\\?/\\\\?/[^:]+:(\\d+)");

    private final Process process;
    private final Path output;

    private JetconnectProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code bin/jetconnect ARGS} in {@code workDir} with {@code env} over the test's environment. */
    static JetconnectProcess start(Path workDir, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile(workDir, "jetconnect-", ".log");
            List<String> command = new ArrayList<>();
            command.add(RuntimeProcess.home().resolve("bin/jetconnect").toString());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().remove("NATS_URL");
            builder.environment().putAll(env);
            return new JetconnectProcess(builder.start(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return everything printed so far */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit code, or empty if the process is still running after {@code timeout} */
    Optional<Integer> awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue())
                    : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the output contains {@code text}; fails if the process exits first or time runs out. */
    void awaitOutput(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("jetconnect exited with " + process.exitValue() + " before printing '"
                        + text + "':\n" + output());
            }
            return false;
        });
    }

    /** Waits until the listener is up; @return its port, from the log line that announces it */
    int awaitListening(Duration timeout) {
        // JSON log lines escape '/' as '\/'.
        awaitOutput("listening on http:", timeout);
        Matcher m = LISTENING.matcher(output());
        if (!m.find()) {
            throw new AssertionError("no port in the 'listening on' line:\n" + output());
        }
        return Integer.parseInt(m.group(1));
    }

    /** Sends SIGTERM; @return the exit code */
    int terminate() {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60)).orElseThrow(() -> {
            process.destroyForcibly();
            return new AssertionError("jetconnect did not stop within 60s of SIGTERM:\n" + output());
        });
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
    }
}
