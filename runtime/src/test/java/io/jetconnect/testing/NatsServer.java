package io.jetconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code nats-server -js} for tests: spawned from PATH on a free loopback port with a temporary store, so
 * that a test can {@link #kill()} it with SIGKILL and {@link #restart()} it on the same port and store. When
 * {@code NATS_URL} is set, {@link #external(String)} wraps that server instead (kill and restart unsupported).
 */
public final class NatsServer implements AutoCloseable {

    private final String url;
    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final List<String> extraArgs;
    private Process process;

    private NatsServer(String url, int port, Path storeDir, Path logFile, List<String> extraArgs) {
        this.url = url;
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = logFile;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** @return whether a nats-server binary is on PATH */
    public static boolean onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
                return true;
            }
        }
        return false;
    }

    /** Spawns a fresh server with JetStream on a free port. */
    public static NatsServer spawn(String... extraArgs) {
        try {
            Path store = Files.createTempDirectory("jetconnect-nats-");
            int port = freePort();
            NatsServer server = new NatsServer("nats://127.0.0.1:" + port, port, store, store.resolve("server.log"),
                    List.of(extraArgs));
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps a server the test does not own. */
    public static NatsServer external(String url) {
        return new NatsServer(url, -1, null, null, List.of());
    }

    /** @return a free TCP port on loopback */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of("nats-server", "-js", "-a", "127.0.0.1", "-p",
                String.valueOf(port), "-sd", storeDir.toString(), "--http_port", "0"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        awaitListening(Duration.ofSeconds(15));
    }

    private void awaitListening(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited with " + process.exitValue() + "; log: "
                        + readLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                // Polling a port for a child process we just started: the connect attempt itself is the wait.
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
        throw new IllegalStateException("nats-server did not listen on " + port + " within " + timeout);
    }

    private String readLog() {
        try {
            return logFile == null ? "" : Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    /** @return whether this server was spawned by the test (and so can be killed and restarted) */
    public boolean owned() {
        return storeDir != null;
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill() {
        requireOwned();
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port with the same store. */
    public void restart() {
        requireOwned();
        if (process != null && process.isAlive()) {
            kill();
        }
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireOwned() {
        if (!owned()) {
            throw new IllegalStateException("this test needs a nats-server it can kill: unset NATS_URL");
        }
    }

    @Override
    public void close() {
        if (!owned()) {
            return;
        }
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> walk = Files.walk(storeDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans what is left
        }
    }
}
