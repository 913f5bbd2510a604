package io.jetconnect.runtime.nats;

import io.jetconnect.runtime.config.RuntimeSettings;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development convenience behind {@code nats.embedded = auto}: when {@code NATS_URL} is unset, nothing
 * listens on the configured URL and a {@code nats-server} binary is on PATH, start one as a child process with
 * JetStream and its store under {@code data-dir/nats}, and stop it on shutdown. {@code off} never does.
 */
public final class EmbeddedNats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedNats.class);

    private final Process process;

    private EmbeddedNats(Process process) {
        this.process = process;
    }

    /**
     * Starts a server if the settings call for one.
     *
     * @return the running server, or empty when none was needed or possible (the reason is logged)
     */
    public static Optional<EmbeddedNats> startIfWanted(RuntimeSettings settings) {
        if (!settings.embedded().equals("auto")) {
            return Optional.empty();
        }
        if (settings.natsUrlFromEnvironment()) {
            LOG.info("NATS_URL is set: not starting an embedded nats-server");
            return Optional.empty();
        }
        String url = settings.nats().url();
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 4222 : uri.getPort();
        if (url.contains(",") || host == null || !"nats".equals(uri.getScheme()) || !isLoopback(host)) {
            // Only a plain single loopback URL can be served by a child process of ours.
            return Optional.empty();
        }
        if (listening(host, port)) {
            LOG.info("a NATS server already listens on {}:{}; using it", host, port);
            return Optional.empty();
        }
        Optional<Path> binary = onPath("nats-server");
        if (binary.isEmpty()) {
            LOG.warn("nothing listens on {}:{} and no nats-server is on PATH: install nats-server "
                    + "(apt-get install nats-server) or set NATS_URL; sinks will retry until a server appears",
                    host, port);
            return Optional.empty();
        }
        Path store = settings.dataDir().resolve("nats");
        try {
            Files.createDirectories(store);
            Path log = store.resolve("nats-server.log");
            Process process = new ProcessBuilder(List.of(binary.get().toString(), "-js", "-a", host, "-p",
                    String.valueOf(port), "-sd", store.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!listening(host, port)) {
                if (!process.isAlive()) {
                    LOG.error("embedded nats-server exited with {}; see {}", process.exitValue(), log);
                    return Optional.empty();
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    LOG.error("embedded nats-server did not listen on {}:{} within 15s; see {}", host, port, log);
                    return Optional.empty();
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            LOG.info("started embedded nats-server (pid {}) on nats://{}:{} with JetStream store {}", process.pid(),
                    host, port, store);
            return Optional.of(new EmbeddedNats(process));
        } catch (IOException e) {
            LOG.error("cannot start embedded nats-server: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            LOG.info("stopped embedded nats-server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
