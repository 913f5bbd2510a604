package io.jetconnect.testing;

import io.jetconnect.spi.CliCommand;
import io.jetconnect.spi.CommandContext;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.spi.StreamSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CommandContext} for testing a plugin's verb: standard output and error are captured, the NATS settings
 * point at the given server (by default a port nothing listens on) and the streams are those the test declares.
 * Thread-safe for one command writing while the test reads.
 */
public final class TestConsole implements CommandContext {

    /** The outcome of one run: the exit code, standard output without surrounding white space, standard error. */
    public record Run(int exit, String out, String err) {

        public List<String> errLines() {
            return err.lines().toList();
        }
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final NatsSettings nats;
    private final Map<String, StreamSpec> streams = new LinkedHashMap<>();

    /** A console whose broker cannot be reached: for verbs that read files. */
    public TestConsole() {
        this("nats://127.0.0.1:1");
    }

    /** @param natsUrl the broker the verb connects to */
    public TestConsole(String natsUrl) {
        this.nats = NatsSettings.builder(natsUrl).connectionName("jetconnect-test").build();
    }

    /** Declares a stream under its key, as {@code jetconnect.streams} would. */
    public TestConsole stream(StreamSpec spec) {
        streams.put(spec.key(), spec);
        return this;
    }

    /** Runs the verb to its end and returns what it wrote so far. */
    public Run run(CliCommand command, String... args) {
        int exit = command.run(List.of(args), this);
        return new Run(exit, output().trim(), errors());
    }

    /** @return what the verb has written to standard output so far */
    public String output() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    /** @return the lines of standard output so far */
    public List<String> lines() {
        return output().lines().toList();
    }

    /** @return what the verb has written to standard error so far */
    public String errors() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    @Override
    public NatsSettings nats() {
        return nats;
    }

    @Override
    public Map<String, StreamSpec> streams() {
        return Map.copyOf(streams);
    }

    @Override
    public Path dataDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
