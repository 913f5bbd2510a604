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
 * The one nats-server helper of the tests of every module, shipped in this module's test-jar.
 */
public final class NatsServer implements AutoCloseable {

    private final String url;
    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final List<String> extraArgs;
    private final String name;
    private Process process;
    private boolean jetStream = true;
    private Path configFile;

    private NatsServer(String url, int port, Path storeDir, Path logFile, List<String> extraArgs) {
        this(url, port, storeDir, logFile, extraArgs, null);
    }

    private NatsServer(String url, int port, Path storeDir, Path logFile, List<String> extraArgs, String name) {
        this.url = url;
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = logFile;
        this.extraArgs = List.copyOf(extraArgs);
        this.name = name;
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
        return spawn(freePort(), true, null, List.of(extraArgs));
    }

    /**
     * Spawns a fresh server without JetStream on a free port: what Debian's and Ubuntu's packaged service runs.
     */
    public static NatsServer spawnWithoutJetStream() {
        return spawn(freePort(), false, null, List.of());
    }

    /** Spawns a fresh server with JetStream on {@code port}: a broker that appears where a runtime expects one. */
    public static NatsServer spawnOn(int port, String... extraArgs) {
        return spawn(port, true, null, List.of(extraArgs));
    }

    /**
     * Spawns a server on a free port from a configuration file the test writes (authorization, operator mode, TLS),
     * so that each authentication method is checked against the server's own code.
     *
     * @param config the configuration besides {@code listen}; JetStream only if it says so
     */
    public static NatsServer withConfig(String config) {
        return spawn(freePort(), false, config, List.of());
    }

    private static NatsServer spawn(int port, boolean jetStream, String config, List<String> extraArgs) {
        try {
            Path store = Files.createTempDirectory("jetconnect-nats-");
            NatsServer server = new NatsServer("nats://127.0.0.1:" + port, port, store, store.resolve("server.log"),
                    extraArgs);
            server.jetStream = jetStream;
            if (config != null) {
                server.configFile = Files.writeString(store.resolve("server.conf"),
                        "listen: \"127.0.0.1:" + port + "\"\n" + config + "\n");
            }
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Spawns a JetStream cluster of {@code size} servers on loopback: each with its own client port, cluster port,
     * store and name ({@code n1}, {@code n2}, ...), routed to all the others, and waits until JetStream answers
     * (a meta leader is elected).
     */
    public static Cluster cluster(int size) {
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> routePorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts.add(freePort());
            routePorts.add(freePort());
        }
        String clusterName = "jc" + Long.toHexString(System.nanoTime());
        List<NatsServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                List<String> routes = new ArrayList<>();
                for (int j = 0; j < size; j++) {
                    if (j != i) {
                        routes.add("nats://127.0.0.1:" + routePorts.get(j));
                    }
                }
                String name = "n" + (i + 1);
                Path store = Files.createTempDirectory("jetconnect-nats-" + name + "-");
                NatsServer server = new NatsServer("nats://127.0.0.1:" + clientPorts.get(i), clientPorts.get(i), store,
                        store.resolve("server.log"), List.of("-n", name, "--cluster_name", clusterName, "--cluster",
                        "nats://127.0.0.1:" + routePorts.get(i), "--routes", String.join(",", routes)), name);
                servers.add(server);
                server.startProcess();
            }
            Cluster cluster = new Cluster(servers);
            cluster.awaitJetStream(Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | RuntimeException e) {
            servers.forEach(NatsServer::close);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
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
        List<String> command = new ArrayList<>(configFile != null ? List.of("nats-server", "-c", configFile.toString())
                : List.of("nats-server", "-a", "127.0.0.1", "-p", String.valueOf(port), "-sd", storeDir.toString(),
                        "--http_port", "0"));
        if (jetStream) {
            command.add(1, "-js");
        }
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

    /** @return what the server has logged so far */
    public String log() {
        return readLog();
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

    /** @return the server's name ({@code -n}) in a {@link #cluster}, else null */
    public String name() {
        return name;
    }

    /** @return the process id of the running server */
    public long pid() {
        requireOwned();
        return process.pid();
    }

    /** @return whether the server process is running (stopped with {@link #stop()} counts as running) */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Freezes the server with SIGSTOP: its sockets stay open but it answers nothing, as a stalled broker. */
    public void stop() {
        signal("STOP");
    }

    /** Lets a server frozen by {@link #stop()} run again (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        requireOwned();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    /** Deletes the JetStream store of a server that is not running, as a lost disk would: streams and all. */
    public void wipeStore() {
        requireOwned();
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("kill the server before wiping its store");
        }
        Path jetstream = storeDir.resolve("jetstream");
        if (!Files.exists(jetstream)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(jetstream)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /** The servers of {@link #cluster(int)}; closing it closes them all. */
    public static final class Cluster implements AutoCloseable {

        private final List<NatsServer> servers;

        private Cluster(List<NatsServer> servers) {
            this.servers = List.copyOf(servers);
        }

        public List<NatsServer> servers() {
            return servers;
        }

        /** @return every server's URL, comma-separated, as {@code nats.url} takes them */
        public String url() {
            return String.join(",", servers.stream().map(NatsServer::url).toList());
        }

        /** @return the server named {@code name} */
        public NatsServer server(String name) {
            return servers.stream().filter(s -> name.equals(s.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no server named " + name));
        }

        /** @return the server that leads the stream's replicas now */
        public NatsServer leaderOf(String stream) throws Exception {
            try (io.nats.client.Connection nc = io.nats.client.Nats.connect(liveOptions())) {
                io.nats.client.api.ClusterInfo info = nc.jetStreamManagement().getStreamInfo(stream).getClusterInfo();
                if (info == null || info.getLeader() == null) {
                    throw new IllegalStateException("stream " + stream + " has no leader now");
                }
                return server(info.getLeader());
            }
        }

        private io.nats.client.Options liveOptions() {
            String[] urls = servers.stream().filter(NatsServer::isAlive).map(NatsServer::url)
                    .toArray(String[]::new);
            return new io.nats.client.Options.Builder().servers(urls).connectionTimeout(Duration.ofSeconds(2))
                    .maxReconnects(0).build();
        }

        /** Waits until the JetStream API answers through the live servers (a meta leader is elected). */
        public void awaitJetStream(Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            Exception last = null;
            while (Instant.now().isBefore(deadline)) {
                try (io.nats.client.Connection nc = io.nats.client.Nats.connect(liveOptions())) {
                    nc.jetStreamManagement().getAccountStatistics();
                    return;
                } catch (Exception notYet) {
                    last = notYet;
                    if (notYet instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(notYet);
                    }
                    // Polling a cluster that is electing its meta leader: each attempt is itself the wait.
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            }
            throw new IllegalStateException("the cluster's JetStream did not answer within " + timeout, last);
        }

        @Override
        public void close() {
            servers.forEach(NatsServer::close);
        }
    }
}
