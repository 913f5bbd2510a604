package io.jetconnect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code nats-server} the bench measures against: spawned from PATH with JetStream on a free loopback port and
 * a temporary file store (which it can kill with SIGKILL and start again on the same port and store), or one given
 * by URL, which it only uses.
 */
final class BenchServer implements AutoCloseable {

    private final String url;
    private final int port;
    private final Path store;
    // A server this JVM uses but another process owns: the pid for CPU accounting, or -1.
    private final long borrowedPid;
    private Process process;

    private BenchServer(String url, int port, Path store, long borrowedPid) {
        this.url = url;
        this.port = port;
        this.store = store;
        this.borrowedPid = borrowedPid;
    }

    /** Wraps a server the bench does not own. */
    static BenchServer external(String url) {
        return new BenchServer(url, -1, null, -1);
    }

    /**
     * Wraps the server of the bench that started this JVM to run one case: used, never killed or closed.
     *
     * @param pid its process id, for CPU accounting, or -1
     */
    static BenchServer borrowed(String url, long pid) {
        return new BenchServer(url, -1, null, pid);
    }

    /**
     * Spawns {@code nats-server -js} on a free port with a store under {@code parent}.
     *
     * @throws IOException if it cannot be started or does not listen within 15 s
     */
    static BenchServer spawn(Path parent) throws IOException {
        Path store = Files.createTempDirectory(parent, "nats-");
        int port = freePort();
        BenchServer server = new BenchServer("nats://127.0.0.1:" + port, port, store, -1);
        server.start();
        return server;
    }

    /** @return whether {@code nats-server} is on PATH */
    static boolean onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private void start() throws IOException {
        Path log = store.resolve("nats-server.log");
        process = new ProcessBuilder(List.of("nats-server", "-js", "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-sd", store.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("nats-server did not listen on port " + port + " within 15 s; see " + log);
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }

    String url() {
        return url;
    }

    boolean owned() {
        return store != null;
    }

    /** @return the server's process id, or -1 when the bench does not own it (nor knows it) */
    long pid() {
        if (borrowedPid > 0) {
            return borrowedPid;
        }
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** @return where the server keeps its store, or null when the bench does not own it */
    Path store() {
        return store;
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the killed server again on the same port with the same store. */
    void restart() throws IOException {
        start();
    }

    @Override
    public void close() {
        if (!owned()) {
            return;
        }
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            BenchFiles.delete(store);
        } catch (UncheckedIOException e) {
            // a temporary directory; what is left is the OS's to clean
        }
    }
}
