package io.jetconnect.nats;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real {@code nats-server} from PATH on a free loopback port, started from a configuration file the test writes
 * (authorization, operator mode, TLS), so each authentication method is checked against the server's own code.
 */
final class AuthServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private AuthServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param dir where the configuration and log go
     * @param config the configuration besides {@code listen}
     */
    static AuthServer start(Path dir, String config) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path conf = Files.writeString(Files.createTempFile(dir, "nats-", ".conf"),
                "listen: \"127.0.0.1:" + port + "\"\n" + config + "\n");
        Path log = Files.createTempFile(dir, "nats-", ".log");
        Process process = new ProcessBuilder("nats-server", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AuthServer server = new AuthServer(process, port, log);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server exited: " + Files.readString(log));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** @return {@code nats://127.0.0.1:PORT} */
    String url() {
        return "nats://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
