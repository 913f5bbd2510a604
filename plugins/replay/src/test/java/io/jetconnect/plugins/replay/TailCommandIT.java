package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.TestConsole;
import io.jetconnect.testing.TestContexts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TailCommandIT extends StreamServerTest {

    @BeforeAll
    static void fill() {
        streams.filled("TAILCMD", 10);
        streams.publishGarbage("TAILCMD");
        streams.publish("TAILCMD", 11, 20);
    }

    /** A console with the stream declared under the key {@code events}. */
    private static TestConsole console() {
        return new TestConsole(url).stream(TestContexts.fileStream("events", "TAILCMD", "TAILCMD.>"));
    }

    private static int run(TestConsole console, String... args) {
        return new TailCommand().run(List.of(args), console);
    }

    private static String id(String line) {
        String event = line.substring(line.indexOf(",\"event\":") + ",\"event\":".length(), line.length() - 1);
        return TestStreams.FORMAT.deserialize(event.getBytes(StandardCharsets.UTF_8)).getId();
    }

    @Test
    void printsFromTheSequenceSinceNamesAndStopsAtMax() throws Exception {
        TestConsole console = console();
        assertEquals(0, run(console, "--stream", "events", "--since", "5", "--max", "3"), console.errors());
        assertEquals(List.of("5", "6", "7"), console.lines().stream().map(TailCommandIT::id)
                .collect(Collectors.toList()));
        JsonNode first = new ObjectMapper().readTree(console.lines().get(0));
        assertEquals(5, first.get("stream_sequence").asLong());
        assertEquals("TAILCMD.events", first.get("subject").asText());
    }

    @Test
    void sinceZeroAndSinceOneBothBeginAtTheFirstMessage() {
        for (String since : List.of("0", "1")) {
            TestConsole console = console();
            assertEquals(0, run(console, "--stream", "events", "--since", since, "--max", "1"), console.errors());
            assertEquals(List.of("1"), console.lines().stream().map(TailCommandIT::id).collect(Collectors.toList()),
                    "--since " + since);
        }
    }

    @Test
    void printsAMessageThatIsNoCloudEventAsAnErrorObject() throws Exception {
        TestConsole console = console();
        assertEquals(0, run(console, "--stream=TAILCMD", "--since=11", "--max=2"), console.errors());
        List<String> lines = console.lines();
        JsonNode invalid = new ObjectMapper().readTree(lines.get(0));
        assertEquals(11, invalid.get("stream_sequence").asLong());
        assertEquals("TAILCMD.events", invalid.get("subject").asText());
        assertTrue(invalid.get("error").asText().contains("content-type text/plain"), lines.get(0));
        assertEquals("garbage-1", invalid.path("msg_id").asText(), "its Nats-Msg-Id, to find it by: " + lines.get(0));
        assertEquals("11", id(lines.get(1)));
    }

    @Test
    void withoutSinceOnlyNewEvents() {
        TestConsole console = console();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(console, "--stream", "events",
                "--subject", "TAILCMD.new", "--max", "2"));
        // Publish until the tail has seen two: it begins whenever its consumer exists.
        Integer code = null;
        for (long n = 1000; code == null && n < 1200; n++) {
            try {
                streams.connection().jetStream().publish("TAILCMD.new",
                        TestStreams.FORMAT.serialize(TestStreams.event(n)));
                code = exit.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // publish another
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        assertEquals(0, code, console.errors());
        List<String> ids = console.lines().stream().map(TailCommandIT::id).collect(Collectors.toList());
        assertEquals(2, ids.size());
        assertEquals(Long.parseLong(ids.get(0)) + 1, Long.parseLong(ids.get(1)), "consecutive new events");
    }

    @Test
    void usageErrorsExitTwo() {
        TestConsole console = console();
        assertEquals(2, run(console, "--since", "3"));
        assertTrue(console.errors().contains("Missing required option: '--stream=NAME'"), console.errors());
        assertEquals(2, run(console(), "--stream", "events", "--since", "three"));
        assertEquals(2, run(console(), "--stream", "events", "--max", "0"));
        assertEquals(2, run(console(), "--stream", "events", "--follow"));
        assertEquals(2, run(console(), "--stream"));
        TestConsole help = console();
        assertEquals(0, run(help, "--help"));
        assertTrue(help.lines().get(0).startsWith("usage: jetconnect tail"));
    }

    @Test
    void aMissingStreamExitsOne() {
        TestConsole console = console();
        assertEquals(1, run(console, "--stream", "NOSUCH", "--max", "1"));
        assertTrue(console.errors().contains("stream NOSUCH does not exist"), console.errors());
    }
}
