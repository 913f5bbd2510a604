package io.jetconnect.bench;

import io.jetconnect.runtime.JetconnectRuntime;
import io.jetconnect.runtime.config.LoadedConfig;
import io.jetconnect.runtime.pipeline.Pipeline;
import io.jetconnect.runtime.pipeline.PipelineState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP ingest: the whole runtime ({@link JetconnectRuntime#start}, as {@code jetconnect run} starts it) with one
 * pipeline, the {@code http} source in front of {@code [redact, sign(hmac-sha256), dlq, jetstream]}, fed batches
 * of {@code --http-batch} structured events over {@code --http-connections} keep-alive connections, one request in
 * flight on each. A request counts when its {@code 202} arrives, which the runtime sends only once every event of
 * the batch is stored. The client is a minimal HTTP/1.1 writer over a socket that sends a prepared body with its
 * ids rewritten in place, so that the load generator, which shares the process and its CPU, costs little.
 * Latencies are per request (a batch's events share theirs).
 *
 * <p>{@code http-tls} is the same over TLS: the listener gets a certificate the case makes with the JDK's
 * {@code keytool} (an EC key for 127.0.0.1, written as PEM), and each client connection is an {@code SSLSocket}
 * that trusts it. Handshakes happen once per connection; what the row adds is the record encryption.
 *
 * <p>{@code --only pipelines} runs the same load into {@code [redact, dlq, jetstream]}, in a runtime of its own
 * ({@link BenchRun#PIPELINES_ALONE}) and beside {@code --pipelines} - 1 idle pipelines like it
 * ({@link BenchRun#PIPELINES}); {@link #notes()} says what each runtime took to start and holds when ready.
 */
final class HttpIngestCase extends OneRowCase {

    static final String ROW = "http";
    static final String TLS_ROW = "http-tls";
    private static final String IDLE_STREAM = "BENCH_IDLE";
    private static final String IDLE_PREFIX = "bench.idle";

    private final String pipeline;
    private final String stream;
    private final javax.net.ssl.SSLContext tls;

    private final BenchEnv env;
    private final JetconnectRuntime runtime;
    private final byte[] body;
    private final int[] idOffsets;
    /** The request heads, one per busy pipeline: the measured one first, then idle-1, idle-2... */
    private final byte[][] heads;
    private final RuntimeFootprint footprint;
    private final int pipelineCount;

    HttpIngestCase(BenchEnv env, boolean overTls) throws Exception {
        this(env, overTls ? TLS_ROW : ROW, overTls, List.of(BenchConfig.REDACT,
                BenchConfig.sign("hmac-sha256", env.hmacKey), BenchConfig.DLQ), 0);
    }

    /**
     * @param decorators the chain before the jetstream sink
     * @param idle pipelines like the measured one beside it, which take no events
     */
    HttpIngestCase(BenchEnv env, String row, boolean overTls, List<String> decorators, int idle) throws Exception {
        this(env, row, overTls, decorators, idle, 1);
    }

    /**
     * @param busy how many pipelines take the load, request by request in turn: the measured one and the first
     *     {@code busy - 1} of the others
     */
    HttpIngestCase(BenchEnv env, String row, boolean overTls, List<String> decorators, int idle, int busy)
            throws Exception {
        super(row);
        this.env = env;
        this.pipelineCount = idle + 1;
        this.pipeline = "bench-" + row;
        this.stream = "BENCH_" + row.toUpperCase(Locale.ROOT).replace('-', '_');
        String prefix = "bench." + row;
        String http = "";
        if (overTls) {
            BenchCertificate certificate = BenchCertificate.make(env.config.dir());
            this.tls = certificate.clientContext();
            http = "tls { cert-file = " + BenchConfig.quote(certificate.certFile().toString()) + ", key-file = "
                    + BenchConfig.quote(certificate.keyFile().toString()) + " }";
        } else {
            this.tls = null;
        }
        List<String> chain = new ArrayList<>(decorators);
        chain.add(BenchConfig.jetstream("out", prefix, env.sinkMaxInFlight(), ""));
        List<String> pipelines = new ArrayList<>(List.of(BenchConfig.pipeline(pipeline, "{ type = http }", chain)));
        List<String> idleChain = new ArrayList<>(decorators);
        idleChain.add(BenchConfig.jetstream("idle", IDLE_PREFIX, env.sinkMaxInFlight(), ""));
        for (int i = 1; i <= idle; i++) {
            pipelines.add(BenchConfig.pipeline("idle-" + i, "{ type = http }", idleChain));
        }
        List<String> streams = new ArrayList<>(List.of(BenchConfig.stream("out", stream, prefix)));
        if (idle > 0) {
            streams.add(BenchConfig.stream("idle", IDLE_STREAM, IDLE_PREFIX));
        }
        LoadedConfig config = env.config.load(pipeline, env.server.url(), streams, pipelines, http);
        RawClient.deleteStream(env.admin, stream);
        long starting = System.nanoTime();
        this.runtime = JetconnectRuntime.start(config);
        if (overTls) {
            // The footprint's probe speaks plain HTTP; the TLS row is about the record encryption alone.
            awaitRunning();
            this.footprint = null;
        } else {
            this.footprint = RuntimeFootprint.awaitReady(runtime, starting, env.server.url(),
                    Duration.ofSeconds(30).plusMillis(100L * (idle + 1)));
        }
        // One batch body; every event's id is the same placeholder, rewritten per request.
        int batch = env.options.httpBatch();
        String placeholder = BenchEvents.id("h", 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < batch; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(BenchEvents.structured(env.events.event(placeholder)));
        }
        out.write(']');
        this.body = out.toByteArray();
        this.idOffsets = offsets(body, ("\"id\":\"" + placeholder + "\"").getBytes(StandardCharsets.UTF_8),
                "\"id\":\"h-".length());
        if (idOffsets.length != batch) {
            throw new IllegalStateException("found " + idOffsets.length + " ids in a batch of " + batch);
        }
        this.heads = new byte[busy][];
        for (int i = 0; i < busy; i++) {
            heads[i] = ("POST /v1/pipelines/" + (i == 0 ? pipeline : "idle-" + i) + "/events HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + runtime.httpPort() + "\r\n"
                    + "Content-Type: application/cloudevents-batch+json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static int[] offsets(byte[] haystack, byte[] needle, int skip) {
        List<Integer> found = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            found.add(i + skip);
            i += needle.length - 1;
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private void awaitRunning() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Pipeline p = runtime.pipelines().get(pipeline).orElse(null);
            if (p != null && p.state() == PipelineState.RUNNING) {
                return;
            }
            // FAILED needs a person; a start that may yet succeed is WAITING, given until the deadline.
            if (p != null && p.state() == PipelineState.FAILED || System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline " + pipeline + " did not start: "
                        + (p == null ? "absent" : p.lastError().orElse(p.state().name())));
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    @Override
    RunSample runOnce(int run, double rate) throws Exception {
        // A fresh stream per run: the restarted pipeline's sink provisions it, as at startup.
        RawClient.deleteStream(env.admin, stream);
        runtime.pipelines().restart(pipeline);
        awaitRunning();
        int batch = env.options.httpBatch();
        int requests = Math.max(1, env.options.count() / batch);
        int connections = env.options.httpConnections();
        long base = (run + 100L) * 1_000_000_000L;
        AtomicInteger next = new AtomicInteger();
        Latencies latencies = new Latencies(requests);
        ExecutorService clients = Executors.newFixedThreadPool(connections, r -> {
            Thread t = new Thread(r, "jetconnect-bench-http-client");
            t.setDaemon(true);
            return t;
        });
        long idleBefore = heads.length > 1 ? RawClient.count(env.admin, IDLE_STREAM) : 0;
        ProcessProbe.Mark mark = ProcessProbe.mark(env.serverPid());
        long start = System.nanoTime();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            done.add(CompletableFuture.runAsync(() -> client(next, requests, base, latencies), clients));
        }
        String error = null;
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
                    .get(LoadDriver.timeoutFor(requests * batch, 0), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            error = e.getCause().getMessage();
        } finally {
            clients.shutdownNow();
        }
        long nanos = System.nanoTime() - start;
        ProcessProbe.Spent spent = ProcessProbe.since(mark, env.serverPid());
        if (error != null) {
            return RunSample.failed(error);
        }
        long events = (long) requests * batch;
        // Request r went to pipeline r % busy: the measured one took every busy-th, the others the rest.
        long measured = (long) ((requests + heads.length - 1) / heads.length) * batch;
        RawClient.requireCount(env.admin, stream, measured);
        if (heads.length > 1) {
            RawClient.requireCount(env.admin, IDLE_STREAM, idleBefore + events - measured);
        }
        double[] p = latencies.percentilesMillis(50, 99);
        return new RunSample(events, events * 1e9 / nanos, p[0], p[1], spent, null);
    }

    /** One keep-alive connection: takes request numbers until there are none left. */
    private void client(AtomicInteger next, int requests, long base, Latencies latencies) {
        byte[] mine = body.clone();
        byte[] digits = new byte[BenchEvents.ID_DIGITS];
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            int r;
            while ((r = next.getAndIncrement()) < requests) {
                long first = base + (long) r * idOffsets.length;
                for (int i = 0; i < idOffsets.length; i++) {
                    writeDigits(first + i, digits);
                    System.arraycopy(digits, 0, mine, idOffsets[i], digits.length);
                }
                long sent = System.nanoTime();
                out.write(heads[r % heads.length]);
                out.write(mine);
                out.flush();
                int status = readResponse(in);
                if (status != 202) {
                    throw new IllegalStateException("HTTP " + status + " for a batch");
                }
                latencies.record(r, System.nanoTime() - sent);
            }
        } catch (IOException e) {
            throw new IllegalStateException("HTTP client: " + e.getMessage(), e);
        }
    }

    private Socket connect() throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", runtime.httpPort()), 5000);
        if (tls == null) {
            return plain;
        }
        javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                .createSocket(plain, "127.0.0.1", runtime.httpPort(), true);
        secure.startHandshake();
        return secure;
    }

    private static void writeDigits(long n, byte[] into) {
        for (int i = into.length - 1; i >= 0; i--) {
            into[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
    }

    /** Reads one response (Content-Length or chunked body) and returns its status; the body is discarded. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("no HTTP response (got " + statusLine + ")");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0) {
                skip(in, size);
                line(in);
            }
            while ((header = line(in)) != null && !header.isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(in, length);
        }
        return status;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in a response body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = out.length();
                return len > 0 && out.charAt(len - 1) == '\r' ? out.substring(0, len - 1) : out.toString();
            }
            out.append((char) c);
        }
        return out.length() == 0 ? null : out.toString();
    }

    @Override
    public Map<String, String> notes() {
        return footprint == null ? Map.of() : Map.of(rows().get(0), footprint.describe(pipelineCount));
    }

    @Override
    public void close() throws Exception {
        runtime.close();
        RawClient.deleteStream(env.admin, stream);
        if (pipelineCount > 1) {
            RawClient.deleteStream(env.admin, IDLE_STREAM);
        }
    }
}
