package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.runtime.config.ConfigProblems;
import io.jetconnect.runtime.config.PipelineConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsTest {

    @TempDir
    Path dir;

    private Optional<ClusterSettings> read(String cluster) throws IOException {
        Path file = Files.writeString(dir.resolve("pipeline.conf"), "jetconnect {\n  nats.embedded = off\n"
                + cluster + "\n}\n");
        return ClusterSettings.read(new PipelineConfigLoader().load(file).root().getConfig("jetconnect"));
    }

    private String problem(String cluster) throws IOException {
        ConfigProblems e = assertThrows(ConfigProblems.class, () -> read(cluster));
        assertEquals(1, e.problems().size(), e.problems().toString());
        return e.problems().get(0);
    }

    @Test
    void absentIsASingleRuntime() throws IOException {
        assertEquals(Optional.empty(), read(""));
    }

    @Test
    void theDefaultsComeFromReferenceConf() throws IOException {
        ClusterSettings c = read("cluster { name = prod, bucket = fleet }").orElseThrow();

        assertEquals(new ClusterSettings("prod", "fleet", Optional.empty(), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofSeconds(15), 1, Duration.ofSeconds(15), Duration.ofHours(1)), c);
    }

    @Test
    void aNameWithoutABucketIsAnErrorAtItsLine() throws IOException {
        String p = problem("cluster {\n name = prod\n}");

        assertTrue(p.endsWith("pipeline.conf:4: Invalid value at 'jetconnect.cluster.bucket': fleet mode needs the "
                + "key-value bucket of its pipelines: set jetconnect.cluster.bucket"), p);
    }

    @Test
    void aTimeoutNoLongerThanTheHeartbeatIsRefused() throws IOException {
        assertTrue(problem("cluster { name = p, bucket = b, heartbeat = 5s, worker-timeout = 5s }")
                .contains("'jetconnect.cluster.worker-timeout': must be longer than"));
    }

    @Test
    void anExpiryNoLongerThanTheTimeoutIsRefused() throws IOException {
        assertTrue(problem("cluster { name = p, bucket = b, worker-timeout = 15s, worker-expiry = 15s }")
                .contains("'jetconnect.cluster.worker-expiry': must be longer than jetconnect.cluster.worker-timeout"));
        assertEquals(Duration.ofSeconds(16), read("cluster { name = p, bucket = b, worker-expiry = 16s }")
                .orElseThrow().workerExpiry());
    }

    @Test
    void aLeaseTooShortToRenewOverTheNetworkIsRefused() throws IOException {
        assertTrue(problem("cluster { name = p, bucket = b, lease-ttl = 100ms }")
                .contains("'jetconnect.cluster.lease-ttl': must be at least 300ms"));
    }

    @Test
    void aWorkerIdThatCannotBeAKeyTokenIsRefused() throws IOException {
        assertTrue(problem("cluster { name = p, bucket = b, worker-id = \"a.b\" }")
                .contains("'jetconnect.cluster.worker-id': 'a.b' uses only letters"));
    }
}
