package io.jetconnect.plugins.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.spi.ConfigurationException;
import io.jetconnect.testing.EventAssertions;
import io.jetconnect.testing.SampleEvents;
import io.jetconnect.testing.TestContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSinkTest {

    private static final JsonFormat FORMAT = new JsonFormat();

    @TempDir
    Path dir;

    static CloudEvent event(int n) {
        return SampleEvents.builder("e-" + n).withTime(OffsetDateTime.parse("2025-01-31T12:00:00Z"))
                .withExtension("n", n)
                .withData("application/json", ("{\"n\":" + n + ",\"text\":\"line\\nbreak\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** Same attributes, extensions and data (compared as JSON: the format carries JSON data as a JSON value). */
    static void assertSameEvent(CloudEvent expected, CloudEvent actual) throws IOException {
        EventAssertions.assertSameAttributes(expected, actual);
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(expected.getData().toBytes()), json.readTree(actual.getData().toBytes()));
    }

    private JsonlSink open(String config) {
        JsonlSink sink = new JsonlSink();
        sink.open(TestContexts.of("jsonl").pipeline("mirror").dataDir(dir).config(config).sink());
        return sink;
    }

    private static List<CloudEvent> read(Path file) throws IOException {
        List<CloudEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            events.add(FORMAT.deserialize(line.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static void emitAll(JsonlSink sink, int from, int to) throws Exception {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            stages.add(sink.emit(event(n)).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void writesOneLinePerEventThatParsesBackAsTheSameEvent() throws Exception {
        JsonlSink sink = open("");
        try {
            emitAll(sink, 1, 100);
            // Completed means written: the file has every line before close.
            List<CloudEvent> back = read(dir.resolve("jsonl").resolve("mirror.jsonl"));
            assertEquals(100, back.size());
            for (int n = 1; n <= 100; n++) {
                assertSameEvent(event(n), back.get(n - 1));
            }
        } finally {
            sink.close();
        }
    }

    @Test
    void rotatesBySizeAndKeepsMaxFiles() throws Exception {
        int lineBytes = new EventLines().encode(event(10)).length;
        // Three lines per file; five files kept: the active one and .1 to .4.
        JsonlSink sink = open("path = out/events.jsonl\nmax-file-bytes = " + (3 * lineBytes + 2)
                + "\nmax-files = 5\nfsync = true");
        try {
            emitAll(sink, 10, 39);
        } finally {
            sink.close();
        }
        Path file = dir.resolve("out/events.jsonl");
        assertEquals(List.of("e-37", "e-38", "e-39"), ids(file));
        assertEquals(List.of("e-34", "e-35", "e-36"), ids(file.resolveSibling("events.jsonl.1")));
        assertEquals(List.of("e-25", "e-26", "e-27"), ids(file.resolveSibling("events.jsonl.4")));
        assertFalse(Files.exists(file.resolveSibling("events.jsonl.5")), "older files are deleted");
        for (int i = 1; i <= 4; i++) {
            assertTrue(Files.size(file.resolveSibling("events.jsonl." + i)) <= 3 * lineBytes + 2);
        }
    }

    @Test
    void appendsToAnExistingFile() throws Exception {
        JsonlSink first = open("path = " + dir.resolve("a.jsonl"));
        emitAll(first, 1, 2);
        first.close();
        JsonlSink second = open("path = " + dir.resolve("a.jsonl"));
        emitAll(second, 3, 4);
        second.close();
        assertEquals(List.of("e-1", "e-2", "e-3", "e-4"), ids(dir.resolve("a.jsonl")));
    }

    @Test
    void concurrentEmittersKeepTheirOwnOrderAndNeverTearALine() throws Exception {
        JsonlSink sink = open("path = c.jsonl");
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Void>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            threads.add(new Thread(() -> {
                for (int n = base; n < base + 2_000; n++) {
                    stages.add(sink.emit(event(n)).toCompletableFuture());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        sink.close();
        List<CloudEvent> back = read(dir.resolve("c.jsonl"));
        assertEquals(8_000, back.size());
        int[] last = {-1, -1, -1, -1};
        for (CloudEvent event : back) {
            int n = Integer.parseInt(event.getId().substring(2));
            int thread = n / 10_000;
            assertTrue(n > last[thread], "thread " + thread + " out of order at " + n);
            last[thread] = n;
        }
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(ConfigurationException.class, () -> open("max-files = 0"));
        assertThrows(ConfigurationException.class, () -> open("max-file-bytes = 0"));
    }

    private static List<String> ids(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        for (CloudEvent event : read(file)) {
            ids.add(event.getId());
        }
        return ids;
    }
}
