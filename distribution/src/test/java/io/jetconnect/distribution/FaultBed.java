package io.jetconnect.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a fault scenario stands on: a nats-server of its own (which the scenario kills, wipes or freezes), a free
 * HTTP port and the {@link FaultPipeline} configuration in the scenario's work directory. Closing it closes the
 * server; open the runtime and the load client after it, so that they are closed first.
 */
final class FaultBed implements AutoCloseable {

    private final Path work;
    private final NatsServer nats;
    private final AutoCloseable broker;
    private final String url;
    private final int port;
    private final Path config;
    private final String stream;

    private FaultBed(Path work, NatsServer nats, AutoCloseable broker, String url, String stream,
                     String streamSettings, Path dataDir, String dlqSettings) throws Exception {
        this.work = work;
        this.nats = nats;
        this.broker = broker;
        this.url = url;
        this.stream = stream;
        this.port = NatsServer.freePort();
        this.config = FaultPipeline.config(work, dataDir, port, url, stream, streamSettings, dlqSettings);
    }

    /** A bed on a fresh single server, the data directory {@code work/data}, no extra settings. */
    static FaultBed start(Path work, String stream) throws Exception {
        return start(work, stream, "", work.resolve("data"), "");
    }

    /**
     * @param streamSettings extra keys of the stream's block, e.g. {@code ", duplicate-window = 5s"}
     * @param dlqSettings extra keys of the dlq's block
     */
    static FaultBed start(Path work, String stream, String streamSettings, Path dataDir, String dlqSettings)
            throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        NatsServer nats = NatsServer.spawn();
        try {
            return new FaultBed(work, nats, nats, nats.url(), stream, streamSettings, dataDir, dlqSettings);
        } catch (Exception | Error e) {
            nats.close();
            throw e;
        }
    }

    /** A bed on a JetStream cluster of three, the stream replicated on all of them. */
    static FaultBed onCluster(Path work, String stream) throws Exception {
        assertTrue(NatsServer.onPath(), "needs nats-server on PATH");
        NatsServer.Cluster cluster = NatsServer.cluster(3);
        try {
            return new FaultBed(work, null, cluster, cluster.url(), stream, ", replicas = 3", work.resolve("data"),
                    "");
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return the servers of {@link #onCluster} */
    NatsServer.Cluster cluster() {
        if (!(broker instanceof NatsServer.Cluster cluster)) {
            throw new IllegalStateException("a single-server bed has no cluster");
        }
        return cluster;
    }

    /** @return the single server of {@link #start} */
    NatsServer nats() {
        if (nats == null) {
            throw new IllegalStateException("a cluster bed has no single server");
        }
        return nats;
    }

    /** @return a runtime started on the scenario's configuration */
    RuntimeProcess run() throws Exception {
        return run(Map.of());
    }

    RuntimeProcess run(Map<String, String> env) throws Exception {
        return RuntimeProcess.run(work, config, port, env);
    }

    /** @return a load client posting to this bed's port, not yet started */
    LoadClient load(int tenants, int eventsPerTenant, int batch, int concurrency) {
        return new LoadClient(port, tenants, eventsPerTenant, batch, concurrency);
    }

    /** Waits until the dlq is empty and the stream holds every acknowledged event ({@link FaultPipeline}). */
    void awaitSettled(RuntimeProcess runtime, LoadClient client, Duration timeout) {
        FaultPipeline.awaitSettled(runtime, client, url, stream, timeout);
    }

    /** @return the stream read back and counted against what the client was answered */
    Figures figures(String scenario, LoadClient client) throws Exception {
        return Figures.of(scenario, client, url, stream);
    }

    /**
     * The promise every scenario keeps: each offered event was acknowledged, and of those none is missing from
     * the stream, stored twice, out of its tenant's order or replaced by one nobody sent.
     */
    static void assertIntact(LoadClient client, Figures figures) {
        assertEquals(client.offered.size(), client.acknowledgedCount(), "every offered event was acknowledged");
        assertEquals(0, figures.lost(), figures.line());
        assertEquals(0, figures.duplicated(), figures.line());
        assertEquals(0, figures.reordered(), figures.line());
        assertEquals(0, figures.forged(), figures.line());
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
