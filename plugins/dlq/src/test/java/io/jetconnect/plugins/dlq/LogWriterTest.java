package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.DlqSinkTest.FAST;
import static io.jetconnect.plugins.dlq.TestEvents.event;
import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.TestContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group commit under each fsync mode, watched through the file operations. */
class LogWriterTest {

    @TempDir
    Path dir;

    private final TestFiles files = new TestFiles();
    private DlqSink layer;

    @AfterEach
    void close() {
        if (layer != null) {
            layer.halt();
        }
    }

    private DlqSink layer(String hocon) {
        layer = DlqDecorator.open(TestContexts.of("dlq").config(FAST + hocon).dataDir(dir).sink(),
                new FakeSink(FakeSink.Mode.RETRY), files);
        return layer;
    }

    /** The writer runs on a shared thread: whatever a write throws refuses its records, and the layer carries on. */
    @Test
    void aWriteThatThrowsAnythingRefusesItsRecordsAndTheNextWriteWorks() {
        DlqSink layer = layer("fsync = always");
        files.breakWrites = new IllegalStateException("a bug in a write");
        Throwable refused = outcome(layer.emit(event(1)));
        org.junit.jupiter.api.Assertions.assertTrue(refused instanceof io.jetconnect.spi.BackpressureException,
                String.valueOf(refused));
        files.breakWrites = null;
        assertNull(outcome(layer.emit(event(1))), "sent again, it is taken");
    }

    @Test
    void alwaysSyncsEachRecord() {
        DlqSink layer = layer("fsync = always");
        List<CompletionStage<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stages.add(layer.emit(event(i)));
        }
        stages.forEach(s -> assertNull(outcome(s)));

        assertEquals(5, files.forces.get());
    }

    @Test
    void batchSyncsOnceForEverythingQueuedMeanwhile() throws Exception {
        DlqSink layer = layer("fsync = batch");
        files.holdNextForce();
        CompletableFuture<Void> first = layer.emit(event(0)).toCompletableFuture();
        files.awaitForce();
        List<CompletionStage<Void>> queued = new ArrayList<>();
        for (int i = 1; i < 10; i++) {
            queued.add(layer.emit(event(i)));
        }
        assertFalse(first.isDone());

        files.releaseForce();

        assertNull(outcome(first));
        queued.forEach(s -> assertNull(outcome(s)));
        assertEquals(2, files.forces.get(), "one fsync for the first record, one for the nine queued behind it");
    }

    @Test
    void intervalSyncsOnATimerAndOnlyThenCompletes() throws Exception {
        DlqSink layer = layer("fsync = interval\nfsync-interval = 150ms");
        files.holdNextForce();
        long start = System.nanoTime();
        CompletableFuture<Void> stage = layer.emit(event(0)).toCompletableFuture();
        files.awaitForce();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(waited >= 150, "synced after " + waited + " ms");
        assertFalse(stage.isDone());
        files.releaseForce();
        assertNull(outcome(stage));
        assertEquals(1, files.forces.get());
    }
}
