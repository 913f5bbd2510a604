package io.jetconnect.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A case that runs in a JVM of its own ({@link BenchChild}), started with this JVM's flags and class path, which
 * lives as long as the case: it sets the case up once and runs it each time the bench asks, so that the cases
 * still take turns run by run. It uses the bench's {@code nats-server} and a working directory of its own under the
 * bench's; its standard error is the bench's.
 */
final class ForkedCase implements BenchCase {

    private final String key;
    private final Process process;
    private final Writer commands;
    private final BufferedReader replies;
    private Map<String, String> notes = Map.of();

    private ForkedCase(String key, Process process) {
        this.key = key;
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the case's JVM and waits until it has set the case up.
     *
     * @throws BenchRun.Unavailable when the case cannot run here
     * @throws IOException when the JVM cannot start, or the case cannot be set up (the message says why)
     */
    static ForkedCase start(BenchEnv env, String key) throws IOException, BenchRun.Unavailable {
        Path dir = Files.createTempDirectory(env.workDir, "case-" + key + "-");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            command.add(forCase(argument, key));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchChild.class.getName());
        command.addAll(List.of(key, env.server.url(), Long.toString(env.serverPid()), dir.toString(),
                env.pluginsDir.toString()));
        command.addAll(env.options.forCase());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ForkedCase forked = new ForkedCase(key, process);
        String[] first = forked.next();
        switch (first[0]) {
            case CaseProtocol.READY -> {
                return forked;
            }
            case CaseProtocol.UNAVAILABLE -> {
                forked.close();
                throw new BenchRun.Unavailable(first.length > 1 ? first[1] : "unavailable");
            }
            default -> {
                forked.close();
                throw new IOException(first.length > 1 ? first[1] : String.join(" ", first));
            }
        }
    }

    /**
     * A JVM flag as the case's JVM gets it: the same, but a flight recording goes to a file per case (the name with
     * the case's key before its extension), so that each case's JVM can be profiled on its own.
     */
    static String forCase(String argument, String key) {
        int at = argument.indexOf("filename=");
        if (!argument.startsWith("-XX:StartFlightRecording") || at < 0) {
            return argument;
        }
        int start = at + "filename=".length();
        int end = argument.indexOf(',', start);
        if (end < 0) {
            end = argument.length();
        }
        String name = argument.substring(start, end);
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        String renamed = dot > slash ? name.substring(0, dot) + "-" + key + name.substring(dot) : name + "-" + key;
        return argument.substring(0, start) + renamed + argument.substring(end);
    }

    @Override
    public List<String> rows() {
        return BenchCases.rowsOf(key);
    }

    @Override
    public Map<String, RunSample> run(int run, double rate) throws IOException {
        send(CaseProtocol.run(run, rate));
        Map<String, RunSample> samples = new LinkedHashMap<>();
        Map<String, String> said = new LinkedHashMap<>();
        while (true) {
            String[] fields = next();
            switch (fields[0]) {
                case CaseProtocol.END -> {
                    notes = Map.copyOf(said);
                    return samples;
                }
                case CaseProtocol.NOTE -> said.put(fields[1], fields.length > 2 ? fields[2] : "");
                case CaseProtocol.SAMPLE, CaseProtocol.ERROR -> samples.put(fields[1],
                        CaseProtocol.parseSample(fields));
                default -> throw new IOException("the JVM of case " + key + " answered '" + String.join(" ", fields)
                        + "'");
            }
        }
    }

    @Override
    public Map<String, String> notes() {
        return notes;
    }

    private void send(String line) throws IOException {
        commands.write(line);
        commands.write('\n');
        commands.flush();
    }

    /** @return the fields of the child's next reply; what else its JVM prints goes to the bench's standard error */
    private String[] next() throws IOException {
        while (true) {
            String line = replies.readLine();
            if (line == null) {
                throw new IOException("the JVM of case " + key + " ended" + exitCode() + " (its errors are above)");
            }
            String[] fields = CaseProtocol.parseReply(line);
            if (fields != null) {
                return fields;
            }
            System.err.println(line);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? " with exit code " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Asks the case's JVM to close the case and exit; kills it if it has not within 30 s. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send(CaseProtocol.CLOSE);
            }
        } catch (IOException e) {
            // it is gone already, or going
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
