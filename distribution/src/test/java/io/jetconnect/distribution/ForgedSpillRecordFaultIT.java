package io.jetconnect.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.testing.NatsServer;
import io.nats.client.Message;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spill record forged from an event's own data. While the broker is down, a client posts a binary-mode event
 * whose data embeds a complete, checksummed spill record of another event (another id, another tenant, no
 * signature). The runtime is killed with SIGKILL and the segment torn right after the embedded bytes, as a crash in
 * the middle of writing that event would leave it; then the runtime and the broker start again. Read back with a
 * raw jnats reader, the stream must not hold the forged event, and must hold every other event that was
 * acknowledged.
 */
@Tag("fault")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ForgedSpillRecordFaultIT {

    private static final String STREAM = "FAULT_FORGED";

    @TempDir
    Path work;

    @FaultTest
    void aRecordEmbeddedInAnEventsDataNeverComesBackAsAnEvent() throws Exception {
        Path data = work.resolve("data");
        byte[] forged = checksummedRecord("forged-1", "{\"tenantId\":\"victim\",\"pay\":\"me\"}");
        ByteArrayOutputStream carrier = new ByteArrayOutputStream();
        carrier.write(new byte[] {1, 2, 3});
        carrier.write(forged);
        carrier.write(new byte[256]);

        try (FaultBed bed = FaultBed.start(work, STREAM)) {
            NatsServer nats = bed.nats();
            try (RuntimeProcess first = bed.run()) {
                assertEquals(202, postJson(first, "stored-0", "acme").statusCode());
                nats.kill();
                // Refused by the broker retriably: spilled; the crafted one is spilled behind it.
                HttpResponse<String> spilled = postJson(first, "spilled-1", "acme");
                assertEquals(202, spilled.statusCode(), spilled.body());
                HttpResponse<String> crafted = first.send(HttpRequest
                        .newBuilder(first.uri("/v1/pipelines/ingest/events"))
                        .header("Content-Type", "application/octet-stream").header("ce-specversion", "1.0")
                        .header("ce-id", "real-1").header("ce-source", "/client").header("ce-type", "upload")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(carrier.toByteArray())).build());
                assertEquals(202, crafted.statusCode(), crafted.body());
                assertTrue(FaultPipeline.metric(first, "jetconnect_dlq_events{") >= 2, "both spilled");
                first.kill();
            }

            // The crash tore the crafted event's record right after the embedded one.
            Path segment = lastSegment(data);
            byte[] bytes = Files.readAllBytes(segment);
            int at = indexOf(bytes, forged);
            assertTrue(at > 0, "the embedded record is in the segment as the client sent it");
            Files.write(segment, Arrays.copyOf(bytes, at + forged.length));

            nats.restart();
            try (RuntimeProcess second = bed.run()) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> FaultPipeline.metric(second, "jetconnect_dlq_events{") == 0
                                && FaultPipeline.streamCount(nats.url(), STREAM) >= 2
                                && FaultPipeline.metric(second, "jetconnect_dlq_quarantined_total{") >= 1);
                List<Message> stored = StreamReader.readAll(nats.url(), STREAM);
                List<String> ids = stored.stream().map(StreamReader::eventId).toList();
                List<String> subjects = stored.stream().map(Message::getSubject).toList();
                assertEquals(List.of("stored-0", "spilled-1"), ids, "nothing acknowledged lost, nothing forged");
                assertEquals(List.of("fault.acme.v1", "fault.acme.v1"), subjects);
                // The real event, posted again, is stored: no forged id took its place.
                assertEquals(202, postJson(second, "forged-1", "victim").statusCode());
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> FaultPipeline.streamCount(nats.url(), STREAM) == 3);
                Message last = StreamReader.readAll(nats.url(), STREAM).get(2);
                assertEquals("forged-1", StreamReader.eventId(last));
                assertTrue(new String(last.getData(), StandardCharsets.UTF_8).contains("\"n\":\"real\""),
                        "the event the client really sent");
                assertEquals(0, second.terminate(), second.output());
            }
        }
    }

    private static HttpResponse<String> postJson(RuntimeProcess runtime, String id, String tenant) throws Exception {
        return runtime.send(HttpRequest.newBuilder(runtime.uri("/v1/pipelines/ingest/events"))
                .header("Content-Type", "application/json").header("ce-specversion", "1.0")
                .header("ce-id", id).header("ce-source", "/client").header("ce-type", "reading")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenantId\":\"" + tenant + "\",\"n\":\"real\"}"))
                .build());
    }

    /**
     * @return a spill record as a client can compute one without any secret: version {@code 0xD2}, length, CRC32C
     *     and a compact payload (spec, id, source, type, datacontenttype, then the data)
     */
    static byte[] checksummedRecord(String id, String json) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(1); // spec 1.0
        attribute(payload, 1, id);
        attribute(payload, 2, "/attacker");
        attribute(payload, 3, "reading");
        attribute(payload, 4, "application/json");
        payload.write(0xFF);
        payload.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        byte[] body = payload.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0xD2);
        writeInt(record, body.length);
        writeInt(record, (int) crc.getValue());
        record.writeBytes(body);
        return record.toByteArray();
    }

    private static void attribute(ByteArrayOutputStream out, int code, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write(code);
        out.write('S');
        out.write(utf8.length << 1); // a one-byte varint: every value here is shorter than 64 bytes
        out.writeBytes(utf8);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static Path lastSegment(Path data) throws Exception {
        try (Stream<Path> files = Files.walk(data)) {
            List<Path> segments = files.filter(f -> f.getFileName().toString().matches("segment-.*\\.log"))
                    .sorted().toList();
            assertTrue(!segments.isEmpty(), "a segment under " + data);
            return segments.get(segments.size() - 1);
        }
    }

    /** @return where {@code needle} first stands in {@code haystack}, or -1 (ISO-8859-1 maps each byte to a char) */
    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
