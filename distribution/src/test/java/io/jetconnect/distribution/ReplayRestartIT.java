package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read side as a real process: a stream of 100,000 events replayed into a jsonl file and re-published into a
 * second, deduplicating stream; the runtime is killed with SIGKILL part-way and started again. The file ends with
 * every event, repeated only within the in-flight window; the second stream holds each exactly once.
 */
@ExtendWith(NatsServerExtension.class)
class ReplayRestartIT {

    private static final int EVENTS = 100_000;
    private static final int MAX_IN_FLIGHT = 1024;
    private static final Pattern ID = Pattern.compile("\"id\":\"(r-\\d+)\"");

    @TempDir
    Path work;

    private static void publish(String url) throws Exception {
        try (Connection nc = Nats.connect(url)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("REPLAY_SRC")
                    .subjects("replay-src.>").storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                String body = "{\"specversion\":\"1.0\",\"id\":\"r-" + i + "\",\"source\":\"/replay\",\"type\":\"t\","
                        + "\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\"acme\",\"n\":" + i + "}}";
                acks.add(js.publishAsync("replay-src.acme", new Headers().add("Nats-Msg-Id", "r-" + i),
                        body.getBytes(StandardCharsets.UTF_8)));
                if (acks.size() == 4096) {
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                    acks.clear();
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
    }

    private Path config(String url, int port) throws IOException {
        return PipelineConf.write(work.resolve("pipeline.conf"), work.resolve("data"), port, url, """
                streams {
                  copy { name = REPLAY_COPY, subjects = ["replay-copy.>"], duplicate-window = 10m }
                }
                pipelines {
                  mirror {
                    source { type = replay, stream = REPLAY_SRC, then = live-tail, max-in-flight = %d }
                    sinks = [ { type = jsonl, path = "%s" } ]
                  }
                  rekey {
                    source { type = replay, stream = REPLAY_SRC, then = live-tail, max-in-flight = %d }
                    sinks = [ { type = jetstream, stream = copy, subject = "replay-copy.{tenantId}" } ]
                  }
                }
                """.formatted(MAX_IN_FLIGHT, work.resolve("mirror.jsonl"), MAX_IN_FLIGHT));
    }

    /** @return how often each id appears in the jsonl files (the current one and any rotated ones) */
    private Map<String, Integer> mirrored() throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(work)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("mirror.jsonl")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = ID.matcher(line);
                    if (m.find()) {
                        counts.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static long count(String url, String stream) throws Exception {
        try (Connection nc = Nats.connect(url)) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }

    @Test
    void aKilledReplayResumesFromItsCursorWithRepeatsOnlyInTheInFlightWindow(NatsServer nats) throws Exception {
        publish(nats.url());
        int port = NatsServer.freePort();
        Path config = config(nats.url(), port);
        try (RuntimeProcess first = RuntimeProcess.run(work, config, port, Map.of())) {
            // Killed early in the copy: the jsonl mirror drains fast (the whole stream in about a second on a
            // quiet machine), so waiting for both to pass half-way let it finish first.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> mirrored().size() >= EVENTS / 5 || count(nats.url(), "REPLAY_COPY") >= EVENTS / 5);
            first.kill();
        }
        int before = mirrored().size();
        long copiedBefore = count(nats.url(), "REPLAY_COPY");
        assertTrue(before < EVENTS && copiedBefore < EVENTS, "killed part-way, not after the end: mirrored "
                + before + ", copied " + copiedBefore);
        try (RuntimeProcess second = RuntimeProcess.run(work, config, port, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> mirrored().size() == EVENTS
                    && count(nats.url(), "REPLAY_COPY") == EVENTS);
            Map<String, Integer> counts = mirrored();
            long repeated = counts.values().stream().filter(c -> c > 1).count();
            System.out.printf("replay kill -9 part-way: events=%d mirrored-before-kill=%d repeated-in-jsonl=%d "
                    + "(bound 1.5 x %d) stored-in-dedup-stream=%d%n", EVENTS, before, repeated, MAX_IN_FLIGHT,
                    count(nats.url(), "REPLAY_COPY"));
            // The in-flight window: events emitted and not yet handled (max-in-flight) plus those handled since the
            // cursor was last stored (at most half as many).
            assertTrue(repeated <= MAX_IN_FLIGHT * 3 / 2, "repeats beyond the in-flight window: " + repeated);
            assertEquals(EVENTS, count(nats.url(), "REPLAY_COPY"), "exactly once into the deduplicating stream");
            assertEquals(0, second.terminate(), second.output());
        }
    }
}
