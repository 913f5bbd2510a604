package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.SpawnedNats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped chain {@code [redact, sign, dlq, jetstream]} as a real process against a real nats-server that the
 * test kills with SIGKILL: every event answered 202 ends up in the stream exactly once, in per-tenant order,
 * redacted and validly signed; a full spill gives 503 and loses nothing; spilled events survive a kill -9 of the
 * runtime.
 */
class DecoratedChainIT {

    private static final int TENANTS = 4;
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @TempDir
    Path work;

    @RegisterExtension
    final SpawnedNats spawned = new SpawnedNats();

    private Path key;

    @BeforeEach
    void writeTheSigningKey() throws Exception {
        key = FaultPipeline.signingKey(work.resolve("chain.key"));
    }

    private Path config(int httpPort, String stream, String dlqSettings) throws Exception {
        return PipelineConf.write(work.resolve("pipeline.conf"), work.resolve("data"), httpPort, spawned.url(), """
                streams { events { name = %s, subjects = ["chain.>"], duplicate-window = 2m } }
                pipelines {
                  ingest {
                    source { type = http }
                    sinks = [
                      { type = redact }
                      { type = sign, key-file = "%s" }
                      { type = dlq %s }
                      { type = jetstream, stream = events, subject = "chain.{tenantId}.v1", ack-timeout = 2s }
                    ]
                  }
                }
                """.formatted(stream, key, dlqSettings));
    }

    private static String event(String tenant, int seq) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + tenant + "-" + seq + "\",\"source\":\"/chain\","
                + "\"type\":\"chain.test\",\"datacontenttype\":\"application/json\",\"data\":{\"tenantId\":\""
                + tenant + "\",\"seq\":" + seq + ",\"password\":\"hunter2\",\"note\":\"Bearer abc.def.ghi\"}}";
    }

    private static String batch(String tenant, int from, int to) {
        StringBuilder out = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            out.append(i == from ? "" : ",").append(event(tenant, i));
        }
        return out.append(']').toString();
    }

    /** Posts one tenant's events in order, re-sending a batch until it is accepted (503 means "later"). */
    private static int postAll(RuntimeProcess runtime, String tenant, int count, int batchSize, AtomicInteger accepted)
            throws Exception {
        int retries = 0;
        for (int from = 0; from < count; from += batchSize) {
            int to = Math.min(count, from + batchSize);
            while (true) {
                HttpResponse<String> response;
                try {
                    response = runtime.post("/v1/pipelines/ingest/events", "application/cloudevents-batch+json",
                            batch(tenant, from, to));
                } catch (java.io.IOException e) {
                    retries++;
                    continue;
                }
                if (response.statusCode() == 202) {
                    accepted.addAndGet(to - from);
                    break;
                }
                assertEquals(503, response.statusCode(), response.body());
                retries++;
                long wait = System.nanoTime() + Duration.ofMillis(50).toNanos();
                await().pollInterval(Duration.ofMillis(10)).until(() -> System.nanoTime() > wait);
            }
        }
        return retries;
    }

    private static String metric(RuntimeProcess runtime, String line) throws Exception {
        for (String l : runtime.get("/metrics").body().split("\n")) {
            if (l.startsWith(line)) {
                return l.substring(l.lastIndexOf(' ') + 1);
            }
        }
        return "0";
    }

    private static long streamCount(String url, String stream) throws Exception {
        try (Connection nc = Nats.connect(url)) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }
    }

    /** Every id once, per-tenant order, redacted; returns the ids. */
    private static Set<String> assertStream(String url, String stream, int expected) throws Exception {
        List<Message> stored = StreamReader.readAll(url, stream);
        assertEquals(expected, stored.size(), "stored");
        Set<String> ids = new HashSet<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        for (Message m : stored) {
            String body = new String(m.getData(), StandardCharsets.UTF_8);
            String id = StreamReader.eventId(m);
            assertTrue(ids.add(id), "duplicate " + id);
            String tenant = id.substring(0, id.indexOf('-'));
            assertEquals("chain." + tenant + ".v1", m.getSubject());
            Matcher seq = SEQ.matcher(body);
            assertTrue(seq.find(), body);
            int n = Integer.parseInt(seq.group(1));
            assertTrue(n > lastSeq.getOrDefault(tenant, -1), "order of " + tenant + ": " + n + " after "
                    + lastSeq.get(tenant));
            lastSeq.put(tenant, n);
            assertFalse(body.contains("hunter2"), body);
            assertTrue(body.contains("[REDACTED]"), body);
            assertTrue(body.contains("\"sig\":"), body);
        }
        return ids;
    }

    private void assertSignaturesValid(Path config, String stream, int expected) {
        RuntimeProcess.Result verify = RuntimeProcess.exec(work, Map.of(), "verify", "--config", config.toString(),
                "--key-file", key.toString(), "--stream", stream, "--require-signed");
        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("valid=" + expected + " invalid=0 unsigned=0"), verify.output());
    }

    @Test
    void aBrokerKilledDuringA50000EventLoadLosesAndDuplicatesNothing() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path config = config(port, "CHAIN_KILL", "");
        int perTenant = 12_500;
        AtomicInteger accepted = new AtomicInteger();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            ExecutorService clients = Executors.newFixedThreadPool(TENANTS);
            List<Future<Integer>> loads = new ArrayList<>();
            for (int t = 0; t < TENANTS; t++) {
                String tenant = "t" + t;
                loads.add(clients.submit(() -> postAll(runtime, tenant, perTenant, 250, accepted)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 10_000);
            nats.kill();
            int atKill = accepted.get();
            // While the broker is dead, intake goes on into the spill log.
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= atKill + 5_000);
            nats.restart();
            for (Future<Integer> load : loads) {
                load.get(java.util.concurrent.TimeUnit.MINUTES.toMillis(3), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            clients.shutdown();
            assertEquals(TENANTS * perTenant, accepted.get());
            await().atMost(Duration.ofSeconds(120)).until(() -> streamCount(nats.url(), "CHAIN_KILL") >= 50_000
                    && "0.0".equals(metric(runtime, "jetconnect_dlq_events{")));
            assertTrue(Double.parseDouble(metric(runtime, "jetconnect_dlq_spilled_total{")) > 0,
                    "the outage went through the spill log");
            Set<String> ids = assertStream(nats.url(), "CHAIN_KILL", 50_000);
            assertEquals(50_000, ids.size());
            assertSignaturesValid(config, "CHAIN_KILL", 50_000);
            System.out.printf("broker kill -9 under load: offered=%d acknowledged=%d stored=%d lost=0 duplicated=0 "
                    + "reordered=0 spilled=%s%n", 50_000, accepted.get(), ids.size(),
                    metric(runtime, "jetconnect_dlq_spilled_total{"));
            assertEquals(0, runtime.terminate(), runtime.output());
        }
    }

    @Test
    void aFullSpillGivesBackpressureAndLosesNothingAcknowledged() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path config = config(port, "CHAIN_FULL", ", max-bytes = 256KiB, segment-bytes = 64KiB");
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            nats.kill();
            List<String> acceptedIds = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 2000 && refused == 0; i += 10) {
                HttpResponse<String> response = runtime.post("/v1/pipelines/ingest/events",
                        "application/cloudevents-batch+json", batch("full", i, i + 10));
                if (response.statusCode() == 202) {
                    for (int j = i; j < i + 10; j++) {
                        acceptedIds.add("full-" + j);
                    }
                } else {
                    assertEquals(503, response.statusCode(), response.body());
                    assertTrue(response.headers().firstValue("Retry-After").isPresent());
                    refused++;
                }
            }
            assertEquals(1, refused, "the spill filled up and refused with 503");
            assertTrue(acceptedIds.size() > 50, "some events were spilled before it filled: " + acceptedIds.size());
            assertEquals(200, runtime.get("/healthz").statusCode());
            nats.restart();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    return streamCount(nats.url(), "CHAIN_FULL") >= acceptedIds.size();
                } catch (Exception e) {
                    return false;
                }
            });
            Set<String> stored = new HashSet<>();
            for (Message m : StreamReader.readAll(nats.url(), "CHAIN_FULL")) {
                stored.add(StreamReader.eventId(m));
            }
            assertTrue(stored.containsAll(acceptedIds), "every acknowledged event arrived");
        }
    }

    @Test
    void eventsSpilledBeforeAKillOfTheRuntimeArriveAfterItsRestart() throws Exception {
        NatsServer nats = spawned.get();
        int port = NatsServer.freePort();
        Path config = config(port, "CHAIN_RESTART", "");
        // First the stream exists and the broker goes away; then 1,000 events are spilled and acknowledged.
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try (RuntimeProcess runtime = RuntimeProcess.run(work, config, port, Map.of())) {
            nats.kill();
            for (int i = 0; i < 1000; i += 100) {
                HttpResponse<String> response = runtime.post("/v1/pipelines/ingest/events",
                        "application/cloudevents-batch+json", batch("spill", i, i + 100));
                assertEquals(202, response.statusCode(), response.body());
                for (int j = i; j < i + 100; j++) {
                    accepted.add("spill-" + j);
                }
            }
            runtime.kill();
        }
        nats.restart();
        try (RuntimeProcess again = RuntimeProcess.run(work, config, port, Map.of())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> streamCount(nats.url(), "CHAIN_RESTART") >= 1000);
            Set<String> ids = assertStream(nats.url(), "CHAIN_RESTART", 1000);
            assertEquals(accepted, ids);
            assertSignaturesValid(config, "CHAIN_RESTART", 1000);
            assertEquals(0, again.terminate(), again.output());
        }
    }
}
