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
 * The development convenience behind {@code nats.embedded = auto}: when no URL was configured (neither
 * {@code jetconnect.nats.url} in pipeline.conf nor {@code NATS_URL}), nothing listens on reference.conf's default
 * URL and a {@code nats-server} binary is on PATH, start one as a child process with JetStream and its store under
 * {@code data-dir/nats}, and stop it on shutdown. {@code on} does the same on a configured loopback URL; {@code off}
 * never does. A started server is logged once at WARN.
 */
public final class EmbeddedNats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedNats.class);

    private final Process process;
    private final String url;

    private EmbeddedNats(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** @return the child process's pid */
    public long pid() {
        return process.pid();
    }

    /** @return the URL it listens on (loopback, no credentials) */
    public String url() {
        return url;
    }

    /**
     * Where a child server would listen, or why none is wanted; decided from the settings alone.
     *
     * @param host the loopback host to listen on, when wanted
     * @param port the port, when wanted
     * @param reason why no server is wanted, when not (empty when one is)
     */
    record Decision(String host, int port, Optional<String> reason) {

        static Decision skip(String reason) {
            return new Decision(null, -1, Optional.of(reason));
        }

        boolean wanted() {
            return reason.isEmpty();
        }
    }

    /**
     * {@code auto} serves only the URL nobody chose: reference.conf's default with {@code NATS_URL} unset. A URL
     * the operator configured names the site's broker; a private server in its place while that broker is down
     * would take acknowledged events the broker never sees. {@code on} is the explicit request for a child server
     * on the configured URL.
     */
    static Decision decide(RuntimeSettings settings) {
        if (settings.embedded().equals("off")) {
            return Decision.skip("jetconnect.nats.embedded = off");
        }
        if (settings.embedded().equals("auto")) {
            if (settings.natsUrlFromEnvironment()) {
                return Decision.skip("NATS_URL is set");
            }
            if (settings.natsUrlSetAt().isPresent()) {
                return Decision.skip("jetconnect.nats.url is configured (" + settings.natsUrlSetAt().get() + ")");
            }
        }
        String url = settings.nats().url().trim();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Decision.skip("jetconnect.nats.url is not a single nats:// URL");
        }
        String host = uri.getHost();
        if (url.contains(",") || host == null || !"nats".equals(uri.getScheme()) || !isLoopback(host)) {
            // Only a plain single loopback URL can be served by a child process of ours.
            return Decision.skip("jetconnect.nats.url is not a single nats:// URL on a loopback address");
        }
        return new Decision(host, uri.getPort() < 0 ? 4222 : uri.getPort(), Optional.empty());
    }

    /**
     * Starts a server if the settings call for one.
     *
     * @return the running server, or empty when none was needed or possible (the reason is logged)
     */
    public static Optional<EmbeddedNats> startIfWanted(RuntimeSettings settings) {
        Decision decision = decide(settings);
        if (!decision.wanted()) {
            if (!settings.embedded().equals("off")) {
                LOG.info("not starting an embedded nats-server: {}", decision.reason().get());
            }
            return Optional.empty();
        }
        String host = decision.host();
        int port = decision.port();
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
            LOG.warn("started an embedded nats-server (pid {}) on nats://{}:{} with JetStream store {}: events are "
                    + "stored in this private server, not in a site broker; set jetconnect.nats.url (or NATS_URL) to "
                    + "the broker's URL, or nats.embedded = off, anywhere but on a development machine",
                    process.pid(), host, port, store);
            return Optional.of(new EmbeddedNats(process, "nats://" + host + ":" + port));
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
