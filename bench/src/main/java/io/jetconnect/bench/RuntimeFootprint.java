package io.jetconnect.bench;

import io.jetconnect.runtime.JetconnectRuntime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * What a runtime in this JVM took to start and holds once ready, as an operator would measure it: the time from
 * {@link JetconnectRuntime#start} to {@code /readyz} answering 200, the JVM's resident memory ({@code VmRSS}) and
 * live threads then, its TCP connections to the NATS server's port (sockets of this process in
 * {@code /proc/self/net/tcp}), and the lines of {@code /metrics}.
 *
 * @param readyMillis from the call to start until {@code /readyz} answered 200
 * @param rssMib resident memory of the JVM when ready, -1 where /proc is not there
 * @param threads live threads of the JVM when ready
 * @param natsConnections established connections of this process to the NATS server's port, -1 if unknown
 * @param metricsLines lines of {@code /metrics}
 */
record RuntimeFootprint(long readyMillis, long rssMib, int threads, int natsConnections, int metricsLines) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Waits until the runtime's {@code /readyz} answers 200 and measures it.
     *
     * @param startedNanos {@link System#nanoTime()} just before {@link JetconnectRuntime#start}
     * @param natsUrl the server the pipelines publish to
     * @throws IllegalStateException if the runtime is not ready within {@code timeout}
     */
    static RuntimeFootprint awaitReady(JetconnectRuntime runtime, long startedNanos, String natsUrl,
                                       Duration timeout) throws IOException, InterruptedException {
        long deadline = startedNanos + timeout.toNanos();
        String last = "no answer";
        while (true) {
            HttpResponse<String> ready = get(runtime, "/readyz");
            if (ready.statusCode() == 200) {
                break;
            }
            last = ready.body();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the runtime was not ready within " + timeout + ": " + last);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        long readyMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        long rssKib = ProcessProbe.rssKib();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        int connections = connectionsTo(URI.create(natsUrl.split(",")[0]).getPort());
        int metrics = (int) get(runtime, "/metrics").body().lines().count();
        return new RuntimeFootprint(readyMillis, rssKib < 0 ? -1 : rssKib / 1024, threads, connections, metrics);
    }

    /** @return the figures as one line for the table's notes */
    String describe(int pipelines) {
        return String.format(Locale.ROOT, "%d pipeline%s ready in %,d ms; then RSS %d MiB, %d threads, %d NATS "
                + "connections, %,d /metrics lines", pipelines, pipelines == 1 ? "" : "s", readyMillis, rssMib, threads,
                natsConnections, metricsLines);
    }

    private static HttpResponse<String> get(JetconnectRuntime runtime, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @return this process's established TCP connections whose remote port is {@code port}, or -1 where /proc is not
     *     there; the socket table is the network namespace's, so only sockets among this process's descriptors count
     */
    static int connectionsTo(int port) {
        Set<String> mine = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing: not a connection any more
                }
            }
            int count = 0;
            for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                Path file = Path.of(table);
                if (!Files.exists(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || f[0].equals("sl")) {
                        continue;
                    }
                    String remote = f[2];
                    int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                    boolean established = f[3].equals("01");
                    if (established && remotePort == port && mine.contains(f[9])) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
