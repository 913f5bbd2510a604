package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.spi.NatsSettings;
import io.jetconnect.testing.NatsServer;
import io.jetconnect.testing.NatsServerExtension;
import io.jetconnect.testing.TestContexts;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the sink against jnats' own {@code publishAsync} loop, into the same kind of stream, on one
 * spawned {@code nats-server}: 1 KiB events, a fresh file stream per run, {@code Nats-Msg-Id} set, at most
 * {@value #WINDOW} PubAcks outstanding. Runs alternate (raw, sink, raw, sink, ...) after one warm-up of each, and
 * the medians and their ratio are printed, with the CPU this JVM used per event (the machine may be shared, so
 * throughput alone is noisy). Both sides use the same connection options (those of {@link NatsConnector}) and put
 * the same bytes on the wire (structured mode, {@code Nats-Msg-Id} and {@code content-type} headers); the raw loop
 * publishes a body serialized once, the sink serializes every event. The sink is fed in-process by one thread.
 *
 * <p>Run from the repository root (arguments: events per run, runs of each; both optional):
 * <pre>
 * ./mvnw -q -pl plugins/jetstream test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jetconnect.plugins.jetstream.JetStreamSinkBench -Dexec.args="100000 5"
 * </pre>
 */
public final class JetStreamSinkBench {

    private static final int WINDOW = 4096;
    private static final String TENANT = "acme";

    private JetStreamSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (NatsServer server = NatsServerExtension.create()) {
            CloudEvent template = template();
            byte[] body = new JsonFormat().serialize(CloudEventBuilder.v1(template).withId("raw-0000000").build());
            System.out.printf(Locale.ROOT, "nats-server at %s; %d events per run, %d runs each, body %d bytes, "
                    + "window %d%n", NatsSettings.redact(server.url()), events, runs, body.length, WINDOW);

            raw(server, "WARMRAW", events, body);
            sink(server, "WARMSINK", events, template);
            double[] rawRates = new double[runs];
            double[] sinkRates = new double[runs];
            double[] rawCpu = new double[runs];
            double[] sinkCpu = new double[runs];
            for (int run = 0; run < runs; run++) {
                long cpu = cpuNanos();
                rawRates[run] = raw(server, "RAW" + run, events, body);
                rawCpu[run] = (cpuNanos() - cpu) / 1e3 / events;
                cpu = cpuNanos();
                sinkRates[run] = sink(server, "SINK" + run, events, template);
                sinkCpu[run] = (cpuNanos() - cpu) / 1e3 / events;
                System.out.printf(Locale.ROOT, "run %d: raw publishAsync %,.0f events/s (%.2f us CPU/event in this "
                        + "JVM), sink %,.0f events/s (%.2f us CPU/event)%n", run + 1, rawRates[run], rawCpu[run],
                        sinkRates[run], sinkCpu[run]);
            }
            double raw = median(rawRates);
            double sink = median(sinkRates);
            System.out.printf(Locale.ROOT, "median: raw publishAsync %,.0f events/s, sink %,.0f events/s, "
                    + "ratio %.3f; client CPU/event raw %.2f us, sink %.2f us%n", raw, sink, sink / raw,
                    median(rawCpu), median(sinkCpu));
        }
    }

    /** An event whose structured form is about 1 KiB, with its tenant first in the data. */
    private static CloudEvent template() {
        String filler = "x".repeat(819);
        String data = "{\"tenantId\":\"" + TENANT + "\",\"kind\":\"measurement\",\"payload\":\"" + filler + "\"}";
        return CloudEventBuilder.v1()
                .withId("template")
                .withSource(URI.create("/jetconnect/bench"))
                .withType("io.jetconnect.bench.measured")
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static void createStream(JetStreamManagement jsm, String name, String subjects) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File)
                .duplicateWindow(Duration.ofMinutes(2)).build());
    }

    /** jnats alone: publishAsync in a loop with a bounded window. */
    private static double raw(NatsServer server, String stream, int events, byte[] body) throws Exception {
        NatsConnector connector = new NatsConnector(settings(server), "bench", Duration.ofSeconds(30), WINDOW);
        ConnectionEpoch epoch = connector.connect();
        Connection nc = epoch.connection();
        try {
            String prefix = stream.toLowerCase(Locale.ROOT);
            createStream(nc.jetStreamManagement(), stream, prefix + ".>");
            String subject = prefix + "." + TENANT + ".v1";
            JetStream js = nc.jetStream();
            Semaphore window = new Semaphore(WINDOW);
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                window.acquire();
                Headers headers = new Headers();
                headers.put(EventEncoder.MSG_ID, stream + "-" + i);
                headers.put(EventEncoder.CONTENT_TYPE, EventEncoder.STRUCTURED_CONTENT_TYPE);
                js.publishAsync(subject, headers, body).whenComplete((ack, error) -> {
                    if (error != null) {
                        errors.incrementAndGet();
                    }
                    window.release();
                });
            }
            window.acquire(WINDOW);
            double rate = events / ((System.nanoTime() - start) / 1e9);
            check(nc, stream, events, errors.get());
            nc.jetStreamManagement().deleteStream(stream);
            return rate;
        } finally {
            epoch.close();
        }
    }

    /** The sink, fed by one thread with the same bounded window. */
    private static double sink(NatsServer server, String stream, int events, CloudEvent template) throws Exception {
        String prefix = stream.toLowerCase(Locale.ROOT);
        TestContexts contexts = TestContexts.of("jetstream")
                .config("stream = " + prefix + ", subject = \"" + prefix + ".{tenantId}.v1\", max-in-flight = "
                        + WINDOW + ", ack-timeout = 30s")
                .nats(server.url())
                .stream(TestContexts.fileStream(prefix, stream, prefix + ".>"));
        JetStreamSink sink = Streams.open(contexts);
        URI source = template.getSource();
        String type = template.getType();
        String contentType = template.getDataContentType();
        byte[] data = template.getData().toBytes();
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            window.acquire();
            // As a source that decodes events builds them: the attributes, and the data as bytes.
            CloudEvent event = CloudEventBuilder.v1()
                    .withId(stream + "-" + i)
                    .withSource(source)
                    .withType(type)
                    .withData(contentType, data)
                    .build();
            sink.emit(event).whenComplete((ok, error) -> {
                if (error != null) {
                    errors.incrementAndGet();
                }
                window.release();
            });
        }
        window.acquire(WINDOW);
        double rate = events / ((System.nanoTime() - start) / 1e9);
        sink.close();
        NatsConnector connector = new NatsConnector(settings(server), "bench", Duration.ofSeconds(30), WINDOW);
        ConnectionEpoch epoch = connector.connect();
        try {
            check(epoch.connection(), stream, events, errors.get());
            epoch.connection().jetStreamManagement().deleteStream(stream);
        } finally {
            epoch.close();
        }
        return rate;
    }

    private static void check(Connection nc, String stream, int events, long errors) throws Exception {
        long stored = nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        if (errors != 0 || stored != events) {
            throw new IllegalStateException(stream + ": " + errors + " failed, " + stored + " stored of " + events);
        }
    }

    private static NatsSettings settings(NatsServer server) {
        return NatsSettings.builder(server.url()).connectionName("jetconnect-bench").build();
    }

    /** @return the CPU time this JVM has used, all threads */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
