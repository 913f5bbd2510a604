package io.jetconnect.plugins.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.testing.TestContexts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdoutSinkTest {

    @Test
    void printsEachEventAsOneJsonLine() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TestContexts contexts = TestContexts.of("stdout");
        StdoutSink sink = new StdoutSink();
        try {
            System.setOut(new PrintStream(captured, false, StandardCharsets.UTF_8));
            sink.open(contexts.sink());
            for (int n = 1; n <= 3; n++) {
                assertTrue(sink.emit(JsonlSinkTest.event(n)).toCompletableFuture().isDone());
            }
            sink.emit(JsonlSinkTest.event(4)).toCompletableFuture().get(1, TimeUnit.SECONDS);
        } finally {
            System.setOut(original);
            sink.close();
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(5, lines.length, "four lines and nothing after the last newline");
        assertEquals("", lines[4]);
        JsonFormat format = new JsonFormat();
        for (int n = 1; n <= 4; n++) {
            JsonlSinkTest.assertSameEvent(JsonlSinkTest.event(n),
                    format.deserialize(lines[n - 1].getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(contexts.registry().scrape().contains(
                "jetconnect_sink_events_total{outcome=\"written\",pipeline=\"test\",sink=\"stdout\"} 4.0"));
    }
}
