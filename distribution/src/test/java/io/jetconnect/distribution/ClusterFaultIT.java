package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node NATS cluster on loopback with an R3 stream: the stream's leader is killed with SIGKILL during a
 * load; the runtime, given all three URLs, follows the cluster without a restart and loses nothing acknowledged.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterFaultIT {

    @TempDir
    Path work;

    @FaultTest
    void killingTheR3StreamsLeaderLosesNothingAcknowledged() throws Exception {
        try (FaultBed bed = FaultBed.onCluster(work, "FAULT_R3");
             RuntimeProcess runtime = bed.run();
             LoadClient client = bed.load(4, 10_000, 200, 100).start()) {
            NatsServer.Cluster cluster = bed.cluster();
            long pid = runtime.pid();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledgedCount() >= 10_000);
            NatsServer leader = cluster.leaderOf("FAULT_R3");
            leader.kill();
            int atKill = client.acknowledgedCount();
            client.await(Duration.ofMinutes(2));
            NatsServer survivor = cluster.servers().stream().filter(NatsServer::isAlive).findFirst().orElseThrow();
            FaultPipeline.awaitSettled(runtime, client, survivor.url(), "FAULT_R3", Duration.ofSeconds(90));
            NatsServer newLeader = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> cluster.leaderOf("FAULT_R3"), s -> s != null);
            // Just after an election a consumer create can time out; reading the stream back is retried.
            Figures figures = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Figures.of("cluster-leader-kill", client, survivor.url(), "FAULT_R3"), f -> true)
                    .with("killed", leader.name()).with("new_leader", newLeader.name())
                    .with("acknowledged_at_kill", atKill)
                    .with("spilled", (long) FaultPipeline.metric(runtime, "jetconnect_dlq_spilled_total{"))
                    .print();
            assertNotEquals(leader.name(), newLeader.name(), "the stream elected a new leader");
            FaultBed.assertIntact(client, figures);
            assertEquals(40_000, figures.stored(), figures.line());
            assertTrue(runtime.isAlive(), "the runtime followed the cluster without a restart");
            assertEquals(pid, runtime.pid(), "the same runtime process throughout");
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }
}
