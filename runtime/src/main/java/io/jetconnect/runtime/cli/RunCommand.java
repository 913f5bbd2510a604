package io.jetconnect.runtime.cli;

import io.jetconnect.runtime.JetconnectRuntime;
import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code run}: starts the runtime and waits for SIGTERM or SIGINT, then stops gracefully and exits 0. The
 * signals are handled directly (not only through a shutdown hook) so that a graceful stop exits with 0 rather
 * than the JVM's 143.
 */
record RunCommand(ConfigLocation location, PrintStream out, PrintStream err) implements ConfigCommand {

    static final int KEEP_RUNNING = -1;
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Override
    public int run(List<String> args) {
        if (!args.isEmpty()) {
            err.println("run takes no arguments besides --config FILE");
            return 2;
        }
        // The first line of every run: which build is running, whatever follows it.
        LOG.info("jetconnect {} starting (config {}, java {})", io.jetconnect.runtime.BuildVersion.version(),
                location.file(), Runtime.version());
        Optional<LoadedConfig> config = location.load(err);
        if (config.isEmpty()) {
            return 1;
        }
        FatalErrors.graceForShutdown(config.get().settings().shutdownTimeout());
        JetconnectRuntime runtime;
        try {
            runtime = JetconnectRuntime.start(config.get());
        } catch (ConfigProblems e) {
            e.problems().forEach(err::println);
            return 1;
        } catch (io.jetconnect.spi.ConfigurationException e) {
            String message = e.getMessage();
            // Messages that already name their FILE:LINE are printed as they are.
            err.println(message.startsWith(location.file().toString()) || message.matches("^\\S+:\\d+: .*")
                    ? message : location.file() + ": " + message);
            return 1;
        } catch (io.jetconnect.runtime.DataDirLock.InUse e) {
            err.println("cannot start: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            // One line for the operator; the trace only at debug level (-Djetconnect.log.level=DEBUG).
            err.println("cannot start: " + e.getMessage());
            LOG.debug("cannot start", e);
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        // SIGHUP re-reads pipeline.conf, on a thread of its own: a signal handler must not do the work.
        Signal.handle(new Signal("HUP"), s -> {
            Thread reload = new Thread(runtime::reloadReply, "jetconnect-reload");
            reload.setDaemon(true);
            reload.start();
        });
        Thread hook = new Thread(runtime::close, "jetconnect-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        runtime.close();
        return 0;
    }
}
