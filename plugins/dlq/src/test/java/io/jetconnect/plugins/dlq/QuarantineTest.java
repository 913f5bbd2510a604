package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.event;
import static io.jetconnect.plugins.dlq.TestEvents.id;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The quarantine's bound: it never grows past quarantine-max-bytes; the drain waits instead, and drops nothing. */
class QuarantineTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenLayers layers = new OpenLayers();

    private DlqSink layer(FakeSink inner, String hocon) {
        return layers.open(dir, inner, hocon, FileOps.REAL);
    }

    private Path file() {
        return dir.resolve("dlq").resolve(Quarantine.FILE);
    }

    private List<String> lines() throws IOException {
        return Files.exists(file()) ? Files.readAllLines(file(), StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void theDrainWaitsAtARecordTheFullQuarantineCannotTakeAndGoesOnOnceThereIsRoom() throws IOException {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        // Room for one line of these events (about 700 bytes each), not two.
        DlqSink layer = layer(inner, "quarantine-max-bytes = 1000");
        for (int i = 0; i < 5; i++) {
            assertNull(TestEvents.outcome(layer.emit(event(i))));
        }
        inner.reject(id(1), id(3));
        layers.assertMetric("jetconnect_dlq_quarantine_max_bytes{pipeline=\"test\"} 1000.0");

        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> lines().size() == 1
                && inner.offered().stream().filter(id(3)::equals).count() >= 3);
        long size = Files.size(file());
        assertTrue(size <= 1000, "within the bound: " + size);
        layers.assertMetric("jetconnect_dlq_quarantine_bytes{pipeline=\"test\"} " + (double) size);
        // e-3 cannot be quarantined: the drain waits there, offers it again and acknowledges nothing after it
        // (e-4 may have reached the sink in the same window: it is sent again later, and deduplicated by id).
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> lines().size() == 1 && layer.spilling());
        assertEquals(List.of(id(0), id(2)), inner.accepted().subList(0, 2));
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} 2.0");
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");

        // The operator moves the quarantine away: the room is free at once, the drain goes on.
        Files.move(file(), dir.resolve("quarantine-moved.jsonl"));
        await().until(() -> !layer.spilling());
        assertEquals(List.of(id(0), id(2), id(4)), inner.accepted().stream().distinct().toList());
        assertEquals(id(4), inner.accepted().get(inner.accepted().size() - 1));
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).contains("\"id\":\"" + id(3) + "\""), lines().get(0));
        layers.assertMetric("jetconnect_dlq_quarantine_bytes{pipeline=\"test\"} " + (double) Files.size(file()));
    }

    @Test
    void theBoundCountsWhatAnEarlierRunQuarantined() throws IOException {
        Path dlq = Files.createDirectories(dir.resolve("dlq"));
        Files.write(dlq.resolve(Quarantine.FILE), new byte[900]);
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner, "quarantine-max-bytes = 1000");
        layers.assertMetric("jetconnect_dlq_quarantine_bytes{pipeline=\"test\"} 900.0");
        assertNull(TestEvents.outcome(layer.emit(event(0))));
        inner.reject(id(0));

        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> inner.offered().stream().filter(id(0)::equals).count() >= 3);
        assertEquals(900, Files.size(dlq.resolve(Quarantine.FILE)), "nothing written past the bound");
        assertTrue(layer.spilling());
    }
}
