package io.jetconnect.plugins.dlq;

import static io.jetconnect.plugins.dlq.TestEvents.event;
import static io.jetconnect.plugins.dlq.TestEvents.id;
import static io.jetconnect.plugins.dlq.TestEvents.ids;
import static io.jetconnect.plugins.dlq.TestEvents.outcome;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.jetconnect.spi.BackpressureException;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DlqSinkTest {

    static final String FAST = "drain.backoff.initial = 5ms\ndrain.backoff.max = 20ms\nclose-timeout = 2s\n";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenLayers layers = new OpenLayers();
    private final TestFiles files = new TestFiles();

    // ---- helpers

    private DlqSink layer(FakeSink inner, String hocon) {
        return layers.open(dir, inner, hocon, files);
    }

    /**
     * A log of one record a segment with room for {@code records} records the size of {@code sample} and half of
     * one more, so that the next record finds it full.
     */
    private DlqSink roomFor(FakeSink inner, CloudEvent sample, int records, String more) {
        int frame = new RecordCodec().encode(sample).length;
        return layer(inner, "max-bytes = " + (records * frame + frame / 2) + "\nsegment-bytes = " + frame + "\n"
                + more);
    }

    /** @return a layer with {@link #roomFor room for} {@code records} events, which took that many and is full */
    private DlqSink filled(FakeSink inner, int records, String more) {
        DlqSink layer = roomFor(inner, event(0), records, more);
        assertAllDone(emit(layer, 0, records));
        return layer;
    }

    /** @return a layer (refusals retry after 200 ms) that spilled e-0, which {@code inner} did not take */
    private DlqSink withOneSpilled(FakeSink inner) {
        DlqSink layer = layer(inner, "retry-after = 200ms");
        assertAllDone(emit(layer, 0, 1));
        return layer;
    }

    /** Lets {@code inner} take events again and waits until the layer has drained everything it spilled. */
    private static void drainAll(FakeSink inner, DlqSink layer) {
        inner.mode(FakeSink.Mode.ACCEPT);
        await().until(() -> !layer.spilling());
    }

    private static void assertAllRefused(List<CompletionStage<Void>> stages, String why) {
        for (CompletionStage<Void> stage : stages) {
            assertInstanceOf(BackpressureException.class, outcome(stage), why);
        }
    }

    private DlqSink layer(FakeSink inner) {
        return layer(inner, "");
    }

    private static List<CompletionStage<Void>> emit(DlqSink layer, int from, int to) {
        List<CompletionStage<Void>> stages = new ArrayList<>();
        for (int i = from; i < to; i++) {
            stages.add(layer.emit(event(i)));
        }
        return stages;
    }

    private static void assertAllDone(List<CompletionStage<Void>> stages) {
        for (CompletionStage<Void> stage : stages) {
            assertNull(outcome(stage), "stage completes normally");
        }
    }

    private Path logDir() {
        return dir.resolve("dlq");
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(logDir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertMetric(TestContexts contexts, String line) {
        String scrape = contexts.registry().scrape();
        assertTrue(scrape.lines().anyMatch(line::equals), () -> "no line '" + line + "' in:\n" + scrape);
    }

    private List<JsonNode> quarantineLines() throws IOException {
        Path file = logDir().resolve(Quarantine.FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(MAPPER.readTree(line));
        }
        return lines;
    }

    // ---- tests

    @Test
    void passesEventsStraightThroughWithoutTouchingDisk() {
        FakeSink inner = new FakeSink(FakeSink.Mode.ACCEPT);
        DlqSink layer = layer(inner);

        assertAllDone(emit(layer, 0, 3));

        assertEquals(ids(0, 3), inner.accepted());
        assertEquals(List.of(), segments());
        assertEquals(0, files.forces.get());
        assertFalse(layer.spilling());
        layers.assertMetric("jetconnect_dlq_spilled_total{pipeline=\"test\"} 0.0");
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} 0.0");
    }

    @Test
    void spillCompletesTheEmitOnlyOnceTheRecordIsSynced() throws Exception {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner);
        files.holdNextForce();

        CompletableFuture<Void> stage = layer.emit(event(0)).toCompletableFuture();
        files.awaitForce();

        assertFalse(stage.isDone(), "not complete before the fsync");
        byte[] written = Files.readAllBytes(segments().get(0));
        assertEquals(RecordCodec.MAGIC, written[0]);
        assertEquals("e-0", new RecordCodec().decode(written[0], written, RecordCodec.HEADER_BYTES,
                written.length - RecordCodec.HEADER_BYTES).getId(), "record written");
        files.releaseForce();
        assertNull(outcome(stage));
        assertTrue(layer.spilling());
        layers.assertMetric("jetconnect_dlq_spilled_total{pipeline=\"test\"} 1.0");
    }

    @Test
    void nothingOvertakesASpilledEvent() {
        FakeSink inner = new FakeSink(FakeSink.Mode.HOLD);
        DlqSink layer = layer(inner);
        List<CompletionStage<Void>> stages = emit(layer, 0, 5);
        assertEquals(ids(0, 5), inner.offered());
        inner.mode(FakeSink.Mode.RETRY); // the drainer's probes fail until the sink recovers

        // As the jetstream sink does: e-2 fails, and so do the ones after it; out of order on purpose.
        inner.held(id(0)).accept();
        inner.held(id(4)).failRetriable();
        inner.held(id(2)).failRetriable();
        // Emitted after a spill: must queue behind e-2, e-3 and e-4, and never reach the sink first.
        stages.addAll(emit(layer, 5, 10));
        inner.held(id(1)).accept();
        inner.held(id(3)).failRetriable();

        assertAllDone(stages);
        assertTrue(inner.offered().stream().noneMatch(ids(5, 10)::contains),
                () -> "nothing emitted after the spill reached the sink: " + inner.offered());
        drainAll(inner, layer);

        assertEquals(ids(0, 10), inner.accepted(), "taken in emit order");
        List<String> offered = inner.offered();
        assertTrue(offered.lastIndexOf(id(2)) < offered.indexOf(id(5)), () -> "e-5 offered before e-2: " + offered);
        layers.assertMetric("jetconnect_dlq_spilled_total{pipeline=\"test\"} 8.0");
        layers.assertMetric("jetconnect_dlq_drained_total{pipeline=\"test\"} 8.0");
    }

    @Test
    void eachThreadKeepsItsOrderAcrossSpillAndDrain() throws Exception {
        FakeSink inner = new FakeSink(FakeSink.Mode.ACCEPT);
        DlqSink layer = layer(inner, "drain.in-flight = 16");
        int threads = 4;
        int each = 300;
        List<Thread> emitters = new ArrayList<>();
        List<CompletionStage<Void>> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            emitters.add(new Thread(() -> {
                for (int i = base; i < base + each; i++) {
                    if (i == base + each / 3 && base == 0) {
                        inner.mode(FakeSink.Mode.RETRY);
                    }
                    if (i == base + 2 * each / 3 && base == 0) {
                        inner.mode(FakeSink.Mode.ACCEPT);
                    }
                    stages.add(layer.emit(event(i)));
                }
            }));
        }
        emitters.forEach(Thread::start);
        for (Thread t : emitters) {
            t.join();
        }
        assertAllDone(stages);
        drainAll(inner, layer);

        List<String> accepted = inner.accepted();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            List<String> mine = accepted.stream().distinct()
                    .filter(id -> Integer.parseInt(id.substring(2)) / each == base / each)
                    .collect(Collectors.toList());
            assertEquals(ids(base, base + each), mine, "thread " + t + " in emit order");
        }
    }

    @Test
    void drainsInOrderOnceTheSinkRecoversAndDeletesDrainedSegments() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner, "segment-bytes = 1KiB");
        assertAllDone(emit(layer, 0, 10));
        assertTrue(segments().size() >= 3, "small segments roll: " + segments());
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} 10.0");
        long bytes = segments().stream().mapToLong(p -> p.toFile().length()).sum();
        layers.assertMetric("jetconnect_dlq_bytes{pipeline=\"test\"} " + (double) bytes);
        String age = layers.contexts().registry().scrape().lines()
                .filter(l -> l.startsWith("jetconnect_dlq_oldest_age_seconds{")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(age.substring(age.lastIndexOf(' ') + 1)) >= 0, age);

        drainAll(inner, layer);

        assertEquals(ids(0, 10), inner.accepted());
        await().until(() -> segments().isEmpty());
        layers.assertMetric("jetconnect_dlq_spilled_total{pipeline=\"test\"} 10.0");
        layers.assertMetric("jetconnect_dlq_drained_total{pipeline=\"test\"} 10.0");
        layers.assertMetric("jetconnect_dlq_events{pipeline=\"test\"} 0.0");
        layers.assertMetric("jetconnect_dlq_bytes{pipeline=\"test\"} 0.0");
        layers.assertMetric("jetconnect_dlq_oldest_age_seconds{pipeline=\"test\"} 0.0");

        assertNull(outcome(layer.emit(event(10))));
        assertEquals(ids(0, 11), inner.accepted(), "passes through again");
        layers.assertMetric("jetconnect_dlq_spilled_total{pipeline=\"test\"} 10.0");
    }

    @Test
    void theStatusForTheAdminApiTellsDepthCountersAndModeAsTheMetersDo() throws IOException {
        int frame = new RecordCodec().encode(event(0)).length;
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = roomFor(inner, event(0), 4, "");
        Map<String, Object> empty = layers.contexts().status();
        assertEquals(Map.of("depth", 0L, "bytes", 0L, "spilled", 0L, "drained", 0L, "quarantined", 0L,
                "mode", "passing", "refused", Map.of("closed", 0L, "full", 0L, "io", 0L, "order", 0L)),
                pick(empty, "depth", "bytes", "spilled", "drained", "quarantined", "mode", "refused"));
        assertEquals((long) (4 * frame + frame / 2), empty.get("maxBytes"));

        List<CompletionStage<Void>> stages = emit(layer, 0, 6);
        assertAllDone(stages.subList(0, 4));
        inner.reject(id(2));
        Map<String, Object> spilling = layers.contexts().status();
        assertEquals(4L, spilling.get("depth"));
        assertEquals(4L, spilling.get("spilled"));
        assertEquals("spilling", spilling.get("mode"));
        long bytes = segments().stream().mapToLong(p -> p.toFile().length()).sum();
        assertEquals(bytes, spilling.get("bytes"));
        assertEquals(Map.of("closed", 0L, "full", 1L, "io", 0L, "order", 1L), spilling.get("refused"));
        layers.assertMetric("jetconnect_dlq_refused_total{pipeline=\"test\",reason=\"full\"} 1.0");

        drainAll(inner, layer);
        Map<String, Object> drained = layers.contexts().status();
        assertEquals(0L, drained.get("depth"));
        assertEquals(3L, drained.get("drained"));
        assertEquals(1L, drained.get("quarantined"));
        assertTrue((Long) drained.get("quarantineBytes") > 0, drained.toString());
        assertEquals(0L, drained.get("oldestAgeSeconds"));
        assertEquals("passing", drained.get("mode"));
        layers.assertMetric("jetconnect_dlq_drained_total{pipeline=\"test\"} 3.0");
    }

    private static Map<String, Object> pick(Map<String, Object> status, String... keys) {
        Map<String, Object> picked = new java.util.HashMap<>();
        for (String key : keys) {
            picked.put(key, status.get(key));
        }
        return picked;
    }

    @Test
    void drainRewindsToTheFirstUnacknowledgedRecordAfterARetriableFailure() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner, "drain.in-flight = 4");
        assertAllDone(emit(layer, 0, 10));
        inner.acceptThenHold(3);
        await().until(() -> inner.held().size() == 4);
        assertEquals(ids(3, 7), inner.held().stream().map(FakeSink.Held::id).toList(), "window of 4 in flight");

        int before = inner.offered().size();
        inner.mode(FakeSink.Mode.RETRY);
        inner.held(id(4)).accept();
        inner.held(id(3)).failRetriable();
        inner.held(id(5)).accept();
        inner.held(id(6)).failRetriable();
        await().until(() -> inner.offered().size() > before);
        assertEquals(id(3), inner.offered().get(before), "resumes from the first unacknowledged record");

        drainAll(inner, layer);
        List<String> accepted = inner.accepted();
        assertEquals(ids(3, 10), accepted.subList(accepted.size() - 7, accepted.size()));
    }

    @Test
    void drainAttemptsAreSpacedAsTheConfiguredBackoffSays() {
        // Its own sink rather than FakeSink: timing every offer there would slow every other test's sink.
        List<Long> offeredAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        EventSink refusing = event -> {
            offeredAt.add(System.nanoTime());
            return CompletableFuture.failedFuture(new RetriableException("broker gone"));
        };
        DlqSink layer = layers.open(dir, refusing, "drain.backoff { initial = 40ms, max = 10s, multiplier = 3 }",
                files);
        assertAllDone(emit(layer, 0, 1));
        // The emit itself, then the drainer's probes: the waits between probes are 40, 120, 360 ms.
        await().atMost(Duration.ofSeconds(20)).until(() -> offeredAt.size() >= 5);
        long[] waits = {40, 120, 360};
        for (int i = 0; i < waits.length; i++) {
            long gap = Duration.ofNanos(offeredAt.get(i + 2) - offeredAt.get(i + 1)).toMillis();
            assertTrue(gap >= waits[i], "probe " + (i + 2) + " came " + gap + " ms after the one before, not "
                    + waits[i] + " ms or more");
        }
        assertTrue(layer.spilling());
    }

    @Test
    void theDrainActionCutsTheBackoffShort() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner, "drain.backoff.initial = 1h, drain.backoff.max = 1h");
        assertAllDone(emit(layer, 0, 5));
        assertTrue(layer.spilling());
        inner.mode(FakeSink.Mode.ACCEPT);
        Runnable drain = layers.contexts().action("drain");
        assertNotNull(drain, "the layer offers POST /v1/pipelines/<name>/dlq/drain");
        drain.run();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !layer.spilling());
        assertEquals(ids(0, 5), inner.accepted());
        layers.assertMetric("jetconnect_dlq_max_bytes{pipeline=\"test\"} 1.073741824E9");
    }

    @Test
    void aPermanentFailureWhileTheProducerWaitsIsItsRefusalAndNothingIsQuarantined() throws IOException {
        FakeSink inner = new FakeSink(FakeSink.Mode.ACCEPT);
        inner.reject(id(1));
        DlqSink layer = layer(inner);

        assertNull(outcome(layer.emit(event(0))));
        Throwable refused = outcome(layer.emit(event(1)));
        assertNull(outcome(layer.emit(event(2))));

        assertInstanceOf(JetconnectException.class, refused);
        assertEquals("tenant rejected by the server", refused.getMessage());
        assertEquals(List.of(id(0), id(2)), inner.accepted());
        assertEquals(List.of(), quarantineLines());
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 0.0");
        layers.assertMetric("jetconnect_dlq_quarantine_bytes{pipeline=\"test\"} 0.0");
        assertFalse(layer.spilling(), "a permanent failure does not spill");
        assertEquals(List.of(), segments());
    }

    @Test
    void anEventThatCannotBeSpilledIsRefusedAndNothingIsQuarantined() throws IOException {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner);
        CloudEvent good = event(1);
        CloudEvent bad = io.cloudevents.core.builder.CloudEventBuilder.from(good).withId("bad")
                .withData("application/json", () -> {
                    throw new IllegalStateException("data gone");
                }).build();

        Throwable refused = outcome(layer.emit(bad));
        assertNull(outcome(layer.emit(good)));

        assertInstanceOf(JetconnectException.class, refused);
        assertTrue(refused.getMessage().contains("bad"), refused.getMessage());
        assertFalse(refused.getMessage().contains("data gone"), "names the error, not what it says");
        assertEquals(List.of(), quarantineLines());
        drainAll(inner, layer);
        assertEquals(List.of(id(1)), inner.accepted());
    }

    @Test
    void drainQuarantinesEventsTheSinkRejectsAndGoesOn() throws IOException {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner);
        assertAllDone(emit(layer, 0, 3));
        inner.reject(id(1));

        drainAll(inner, layer);

        assertEquals(List.of(id(0), id(2)), inner.accepted());
        JsonNode line = quarantineLines().get(0);
        assertEquals("drain", line.get("origin").asText());
        assertEquals(id(1), line.get("event").get("id").asText());
        layers.assertMetric("jetconnect_dlq_drained_total{pipeline=\"test\"} 2.0");
        layers.assertMetric("jetconnect_dlq_quarantined_total{pipeline=\"test\"} 1.0");
    }

    @Test
    void refusesWithBackpressureWhenFullAndLosesNothingAcknowledged() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = roomFor(inner, event(0), 3, "retry-after = 7s");

        List<CompletionStage<Void>> stages = emit(layer, 0, 6);

        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Throwable failure = outcome(stages.get(i));
            if (failure == null) {
                acknowledged.add(id(i));
            } else {
                BackpressureException backpressure = assertInstanceOf(BackpressureException.class, failure);
                assertEquals(Duration.ofSeconds(7), backpressure.retryAfter());
            }
        }
        assertEquals(ids(0, 3), acknowledged);
        // e-3 found no room; e-4 and e-5 may not overtake it.
        layers.assertMetric("jetconnect_dlq_refused_total{pipeline=\"test\",reason=\"full\"} 1.0");
        layers.assertMetric("jetconnect_dlq_refused_total{pipeline=\"test\",reason=\"order\"} 2.0");
        drainAll(inner, layer);
        assertEquals(acknowledged, inner.accepted());
    }

    @Test
    void onceFullNoNewerEventOfTheSubjectIsTakenUntilTheRefusedOneIsSentAgain() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = filled(inner, 20, "retry-after = 10ms");
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(20))));
        inner.acceptThenHold(2);
        // Every other record is held in flight: none can be sent afresh once the sink accepts again.
        await().until(() -> inner.accepted().size() == 2 && segments().size() == 18 && inner.held().size() == 18);
        // Two records' room is free again, long after retry-after: still, e-21 must not be stored before e-20.
        Throwable behind = outcome(layer.emit(event(21)));
        assertInstanceOf(BackpressureException.class, behind);
        assertTrue(behind.getMessage().contains("an earlier event of the same subject"), behind.getMessage());
        layers.assertMetric("jetconnect_dlq_refused_total{pipeline=\"test\",reason=\"order\"} 1.0");
        // Sent again, in order: e-20 first, then e-21.
        assertNull(outcome(layer.emit(event(20))));
        assertNull(outcome(layer.emit(event(21))));
        // Both are sent behind the held ones before the sink takes events again, or the fake (which keeps no
        // order of its own, unlike the jetstream sink) could store e-21 while e-20 is held.
        await().until(() -> inner.held().size() == 20);
        inner.mode(FakeSink.Mode.ACCEPT);
        inner.held().forEach(FakeSink.Held::failRetriable);
        await().until(() -> !layer.spilling());
        assertEquals(ids(0, 22), inner.accepted());
    }

    @Test
    void aRefusalHoldsBackOnlyTheSubjectOfTheRefusedEvent() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = roomFor(inner, event(0, "a"), 2, "");
        assertAllDone(List.of(layer.emit(event(0, "a")), layer.emit(event(1, "b"))));
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(2, "a"))), "full");
        drainAll(inner, layer);

        // Room again: subject b flows, subject a waits for e-2.
        assertNull(outcome(layer.emit(event(3, "b"))));
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(4, "a"))));
        assertNull(outcome(layer.emit(event(2, "a"))));
        assertNull(outcome(layer.emit(event(4, "a"))));
        assertEquals(List.of(id(0), id(1), id(3), id(2), id(4)), inner.accepted());
    }

    @Test
    void oneProducerSendingItsRefusedEventAgainDoesNotOpenTheSubjectToAnotherProducersNewerEvents() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = filled(inner, 1, "");
        // Q's e-2 finds no room; P's e-3 is refused behind it.
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(2))));
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(3))));
        drainAll(inner, layer);
        // Q sends e-2 again and it is taken; P's next event, e-4, must not overtake P's refused e-3.
        assertNull(outcome(layer.emit(event(2))));
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(4))));
        assertNull(outcome(layer.emit(event(3))));
        assertNull(outcome(layer.emit(event(4))));
        assertEquals(List.of(id(0), id(2), id(3), id(4)), inner.accepted());
    }

    @Test
    void aSubjectWhoseRefusedEventsAreNotSentAgainForThePatienceFlowsAgain() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = filled(inner, 1, "owed-patience = 300ms");
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(1))), "full");
        drainAll(inner, layer);
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(2))), "e-1 goes first");
        // The producer gave e-1 up: after the patience, newer events flow.
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome(layer.emit(event(3))) == null);
        assertEquals(List.of(id(0), id(3)), inner.accepted());
    }

    @Test
    void whenAnInFlightEventCannotBeSpilledNothingEmittedAfterItIsKept() {
        FakeSink inner = new FakeSink(FakeSink.Mode.HOLD);
        DlqSink layer = roomFor(inner, event(0), 2, "");
        List<CompletionStage<Void>> stages = new ArrayList<>(emit(layer, 0, 2));
        await().until(() -> inner.held().size() == 2);
        inner.held(id(1)).failRetriable();
        await().until(layer::spilling);
        stages.add(layer.emit(event(2)));
        // e-1 and e-2 took the room; e-0, emitted first, fails last and finds none.
        inner.held(id(0)).failRetriable();
        for (CompletionStage<Void> stage : stages) {
            assertInstanceOf(BackpressureException.class, outcome(stage));
        }
        assertEquals(List.of(), inner.accepted());
    }

    @Test
    void aFullDiskRefusesEventsAndTheLayerCarriesOn() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner);
        assertAllDone(emit(layer, 0, 2));

        files.diskFull = true;
        for (CompletionStage<Void> stage : emit(layer, 2, 4)) {
            assertInstanceOf(BackpressureException.class, outcome(stage));
        }
        files.diskFull = false;
        // The disk has room again, but nothing newer is taken before the refused events are sent again.
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(4))));
        assertAllDone(emit(layer, 2, 5));

        drainAll(inner, layer);
        assertEquals(ids(0, 5), inner.accepted());
        // e-2 failed to be written; e-3 too, or, when that failure came first, it was refused behind it.
        String scrape = layers.contexts().registry().scrape();
        assertTrue(scrape.lines().anyMatch(l -> l.matches(
                "jetconnect_dlq_refused_total\\{pipeline=\"test\",reason=\"io\"} [12]\\.0")), scrape);
    }

    @Test
    void eventsQueuedBehindAFailedWriteAreRefusedNotWrittenOnceSpaceFreesUp() throws Exception {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = withOneSpilled(inner);
        files.holdAndFailNextWrite();
        List<CompletionStage<Void>> stages = emit(layer, 1, 2);
        files.awaitWrite();
        // Emitted while the writer is in the write that fails: queued behind e-1, before its refusal is known.
        stages.addAll(emit(layer, 2, 5));

        files.releaseWrite(); // the write of e-1 fails; the next one would succeed, as after the drain freed space

        assertAllRefused(stages, "nothing after e-1 is acknowledged");
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(5))), "e-1 to e-4 go first");
        assertAllDone(emit(layer, 1, 6));
        drainAll(inner, layer);
        assertEquals(ids(0, 6), inner.accepted(), "nothing emitted after e-1 was stored before it");
        layers.assertMetric("jetconnect_dlq_refused_total{pipeline=\"test\",reason=\"io\"} 4.0");
    }

    @Test
    void eventsQueuedBehindAFailedFsyncAreRefusedToo() throws Exception {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = withOneSpilled(inner);
        files.holdNextForce();
        files.failNextForce();
        List<CompletionStage<Void>> stages = emit(layer, 1, 2);
        files.awaitForce();
        stages.addAll(emit(layer, 2, 5));

        files.releaseForce();

        assertAllRefused(stages, "nothing after e-1 is acknowledged");
        drainAll(inner, layer);
        assertEquals(List.of(id(0)), inner.accepted(), "nothing emitted after e-1 was stored");
    }

    @Test
    void anEventReservedBeforeAFailedWriteAndQueuedAfterItIsRefused() throws Exception {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = withOneSpilled(inner);
        files.holdAndFailNextWrite();
        CompletionStage<Void> refused = layer.emit(event(1));
        files.awaitWrite();
        // A producer took room while the write was under way and hands its record over only after it failed.
        SpillLog.Append late = new SpillLog.Append(new RecordCodec().encode(event(2)), id(2));
        assertTrue(layer.log().reserve(late));
        files.releaseWrite();
        assertInstanceOf(BackpressureException.class, outcome(refused));

        layer.log().append(late);

        assertInstanceOf(BackpressureException.class, outcome(late.done), "emitted after e-1: refused");
        drainAll(inner, layer);
        assertEquals(List.of(id(0)), inner.accepted());
    }

    @Test
    void closeRefusesNewEventsAndKeepsSpilledOnesForTheNextStart() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink layer = layer(inner);
        assertAllDone(emit(layer, 0, 5));

        layer.close();
        assertInstanceOf(BackpressureException.class, outcome(layer.emit(event(5))));
        assertEquals(1, segments().size());

        FakeSink recovered = new FakeSink(FakeSink.Mode.ACCEPT);
        DlqSink next = layer(recovered);
        await().until(() -> !next.spilling());
        assertEquals(ids(0, 5), recovered.accepted());
        await().until(() -> segments().isEmpty());
        layers.assertMetric("jetconnect_dlq_drained_total{pipeline=\"test\"} 5.0");
    }

    @Test
    void spilledEventsSurviveAKillWithoutClose() {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        DlqSink abandoned = layer(inner);
        assertAllDone(emit(abandoned, 0, 5));
        // Freeze the abandoned layer (its drainer stuck on a probe that never answers), as a killed process is.
        inner.mode(FakeSink.Mode.HOLD);
        await().until(() -> !inner.held().isEmpty());

        // No close(): a new layer opens the same directory, as after kill -9. Its sink holds the first drained
        // record, so that the test sees the layer spilling before the drain could finish.
        FakeSink recovered = new FakeSink(FakeSink.Mode.HOLD);
        DlqSink next = layer(recovered);
        assertTrue(next.spilling(), "starts spilling with the recovered records");
        assertAllDone(emit(next, 5, 7));
        // Acknowledge what the drain sends, in the order it sends it, until the log is empty.
        await().until(() -> {
            recovered.held().forEach(h -> h.stage().complete(null));
            return !next.spilling();
        });

        assertEquals(ids(0, 7), recovered.accepted(), "recovered records first, then the new ones behind them");
        assertEquals(List.of(), inner.accepted());
    }

    /**
     * Spills 20 events, lets the drain get 10 acknowledged with 4 more in flight (no checkpoint on its own), stops
     * the layer with {@code stop}, and returns what a new layer on the same directory then drains.
     */
    private List<String> drainedAfterAPartialDrain(String config, Consumer<DlqSink> stop) {
        FakeSink inner = new FakeSink(FakeSink.Mode.RETRY);
        String settings = "drain.in-flight = 4\ndrain.checkpoint-interval = 1h\n" + config;
        DlqSink first = layer(inner, settings);
        assertAllDone(emit(first, 0, 20));
        inner.acceptThenHold(10);
        await().until(() -> inner.held().size() == 4);
        stop.accept(first);

        FakeSink second = new FakeSink(FakeSink.Mode.ACCEPT);
        DlqSink next = layer(second, settings);
        await().until(() -> !next.spilling());
        return second.accepted();
    }

    @Test
    void aRestartAfterAPartialDrainResendsLessThanTheInFlightWindow() {
        List<String> drained = drainedAfterAPartialDrain("", DlqSink::halt);

        int resentFrom = Integer.parseInt(drained.get(0).substring(2));
        assertTrue(resentFrom > 10 - 4, "re-sent from " + resentFrom + ", 10 were acknowledged");
        assertEquals(ids(resentFrom, 20), drained);
    }

    @Test
    void aCloseAfterAPartialDrainCheckpointsExactly() {
        assertEquals(ids(10, 20), drainedAfterAPartialDrain("close-timeout = 100ms", DlqSink::close));
    }
}
