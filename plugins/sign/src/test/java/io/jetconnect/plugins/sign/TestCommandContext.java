package io.jetconnect.plugins.sign;

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

/** A {@link CommandContext} that captures standard output and error. */
final class TestCommandContext implements CommandContext {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    private final NatsSettings nats;
    private final Map<String, StreamSpec> streams = new LinkedHashMap<>();

    TestCommandContext() {
        this("nats://127.0.0.1:1");
    }

    TestCommandContext(String natsUrl) {
        this.nats = NatsSettings.builder(natsUrl).connectionName("jetconnect-test").build();
    }

    TestCommandContext stream(StreamSpec spec) {
        streams.put(spec.key(), spec);
        return this;
    }

    /** The outcome of one run. */
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs the command with fresh output buffers. */
    static Run run(TestCommandContext context, String... args) {
        int exit = new VerifyCommand().run(List.of(args), context);
        return new Run(exit, context.out.toString(StandardCharsets.UTF_8).trim(),
                context.err.toString(StandardCharsets.UTF_8));
    }

    static Run run(String... args) {
        return run(new TestCommandContext(), args);
    }

    @Override
    public PrintStream out() {
        return outStream;
    }

    @Override
    public PrintStream err() {
        return errStream;
    }

    @Override
    public NatsSettings nats() {
        return nats;
    }

    @Override
    public Map<String, StreamSpec> streams() {
        return streams;
    }

    @Override
    public Path dataDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
