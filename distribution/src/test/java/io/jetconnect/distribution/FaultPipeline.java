package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The pipeline every fault scenario runs: the shipped chain {@code [redact, sign, dlq, jetstream]} with subjects
 * {@code fault.<tenant>.v1}, short retry and probe back-offs (so that recovery after an outage takes a second,
 * not the default three minutes of the circuit's back-off) and whatever the scenario adds.
 */
final class FaultPipeline {

    private FaultPipeline() {
    }

    /**
     * Writes {@code pipeline.conf} into {@code work}.
     *
     * @param streamSettings extra keys of the stream's block, e.g. {@code ", duplicate-window = 5s"}
     * @param dlqSettings extra keys of the dlq's block
     */
    static Path config(Path work, Path dataDir, int httpPort, String natsUrl, String stream, String streamSettings,
                       String dlqSettings) throws Exception {
        Path key = signingKey(work.resolve("fault.key"));
        return PipelineConf.write(work.resolve("pipeline.conf"), dataDir, httpPort, natsUrl, """
                streams { events { name = %s, subjects = ["fault.>"] %s } }
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [
                      { type = redact }
                      { type = sign, key-file = "%s" }
                      { type = dlq, drain { backoff.max = 1s } %s }
                      { type = jetstream, stream = events, subject = "fault.{tenantId}.v1", ack-timeout = 2s,
                        backoff { initial = 100ms, max = 1s } }
                    ]
                  }
                }
                """.formatted(stream, streamSettings, key, dlqSettings));
    }

    /** @return {@code file}, holding a fresh random 32-byte key (Base64) for the {@code sign} layer */
    static Path signingKey(Path file) throws java.io.IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Files.writeString(file, Base64.getEncoder().encodeToString(secret));
    }

    /** @return the value of the first metric line starting with {@code prefix}, or 0 */
    static double metric(RuntimeProcess runtime, String prefix) throws Exception {
        for (String l : runtime.get("/metrics").body().split("\n")) {
            if (l.startsWith(prefix)) {
                return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static long streamCount(String url, String stream) throws Exception {
        try (Connection nc = Nats.connect(url)) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }

    /**
     * Waits until the dlq is empty and the stream holds at least every acknowledged event, so that the stream can
     * be counted.
     */
    static void awaitSettled(RuntimeProcess runtime, LoadClient client, String url, String stream,
                             Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> metric(runtime, "jetconnect_dlq_events{") == 0
                        && streamCount(url, stream) >= client.acknowledgedCount());
    }

    /** Waits, as a deliberate outage does, until {@code duration} has passed since {@code startNanos}. */
    static void awaitElapsed(long startNanos, Duration duration) {
        await().atMost(duration.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() - startNanos >= duration.toNanos());
    }
}
