package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An error that kills a thread ends the real {@code bin/jetconnect run} with exit 4 and one line naming it, rather
 * than leaving a process without its pipelines: a real out-of-direct-memory on the main thread while it starts
 * pipelines (each {@link GreedySink} reserves 1 MiB of direct memory as it opens; the JVM is given 4 MiB. The
 * built-in sinks no longer hold enough for a test: their NATS connections are shared and the dlq borrows its buffer
 * only while it writes), and a real
 * stack overflow on a plugin's thread after start-up. {@link RuntimeProcess#exec} fails the test if the process
 * does not end.
 */
@ExtendWith(NatsServerExtension.class)
class FatalErrorIT {

    @TempDir
    Path work;

    @Test
    void outOfDirectMemoryWhileStartingPipelinesEndsTheProcess(NatsServer nats) throws Exception {
        Path plugins = work.resolve("plugins");
        RuntimeProcess.copyBuiltInPlugins(plugins);
        PluginJars.builder(plugins.resolve("greedy.jar"), "greedy", "1.0.0").extension(GreedySink.class).build();
        String pipelines = IntStream.rangeClosed(1, 8).mapToObj(i -> """
                    p%d {
                      source { type = http }
                      sinks = [ { type = redact }, { type = greedy } ]
                    }
                """.formatted(i)).collect(Collectors.joining());
        Path config = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = "%s"
                  http { host = 127.0.0.1, port = %d }
                  nats { url = "%s", embedded = off }
                  pipelines {
                %s  }
                }
                """.formatted(plugins, work.resolve("data"), NatsServer.freePort(), nats.url(), pipelines));

        RuntimeProcess.Result run = RuntimeProcess.exec(work,
                Map.of("JETCONNECT_OPTS", "-Xmx256m -XX:MaxDirectMemorySize=4m"), "run", "--config", config.toString());

        assertEquals(4, run.exitCode(), run.output());
        String line = fatalLine(run.output());
        assertTrue(line.startsWith("jetconnect: fatal: java.lang.OutOfMemoryError: Cannot reserve"), line);
        assertTrue(line.contains(" in thread main ") && line.contains("-XX:MaxDirectMemorySize"), line);
    }

    @Test
    void anErrorOnAPluginThreadEndsTheProcess(NatsServer nats) throws Exception {
        Path plugins = work.resolve("plugins");
        RuntimeProcess.copyBuiltInPlugins(plugins);
        PluginJars.builder(plugins.resolve("dying.jar"), "dying", "1.0.0").extension(DyingSink.class).build();
        Path config = Files.writeString(work.resolve("pipeline.conf"), """
                jetconnect {
                  plugins-dir = "%s"
                  data-dir = "%s"
                  http { host = 127.0.0.1, port = %d }
                  nats { url = "%s", embedded = off }
                  pipelines { doomed { source { type = http }, sinks = [ { type = dying } ] } }
                }
                """.formatted(plugins, work.resolve("data"), NatsServer.freePort(), nats.url()));

        RuntimeProcess.Result run = RuntimeProcess.exec(work, Map.of(), "run", "--config", config.toString());

        assertEquals(4, run.exitCode(), run.output());
        String line = fatalLine(run.output());
        assertTrue(line.startsWith("jetconnect: fatal: java.lang.StackOverflowError in thread jetconnect-doomed-dying-1"),
                line);
    }

    /** @return the one fatal line, failing unless there is exactly one */
    private static String fatalLine(String output) {
        List<String> lines = output.lines().filter(l -> l.startsWith("jetconnect: fatal:")).toList();
        assertEquals(1, lines.size(), output);
        return lines.get(0);
    }
}
