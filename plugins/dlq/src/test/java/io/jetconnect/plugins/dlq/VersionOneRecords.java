package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Records of version 1 (JSON payload with {@code data_base64}) as the build before version 2 wrote them: the
 * resource {@value #RESOURCE} holds {@link #events()} framed by that build's {@code RecordCodec.encode} (commit
 * 8ac8573), one after the other, so that the tests read what a spill log left by that build holds, not what this
 * build would write. Do not regenerate it with this build.
 */
final class VersionOneRecords {

    static final String RESOURCE = "v1-records.bin";

    private VersionOneRecords() {
    }

    /** @return the events the resource holds, in order */
    static List<CloudEvent> events() {
        return List.of(
                CloudEventBuilder.v1().withId("v1-0").withSource(URI.create("urn:example:sensors:42"))
                        .withType("com.example.reading").withSubject("sensor/42")
                        .withTime(OffsetDateTime.parse("2024-05-01T12:00:00.123456789+02:00"))
                        .withDataSchema(URI.create("https://example.com/schemas/reading.json"))
                        .withExtension("tenant", "acme").withExtension("attempt", 3)
                        .withExtension("urgent", true).withExtension("big", 5_000_000_000L)
                        .withExtension("ratio", 0.25).withExtension("note", "grüße 👋")
                        .withDataContentType("application/json")
                        .withData("{ \"b\": 1.10,\n  \"a\": [1e3, \"ü\"] }".getBytes(StandardCharsets.UTF_8))
                        .build(),
                CloudEventBuilder.v1().withId("v1-1").withSource(URI.create("/s")).withType("t")
                        .withData(new byte[] {0, (byte) 0xFF, 10, 13, '{'}).build(),
                CloudEventBuilder.v1().withId("v1-2").withSource(URI.create("/s")).withType("t")
                        .withExtension("link", URI.create("https://example.com/x?y=1"))
                        .withExtension("checksum", new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF})
                        .withExtension("seen", OffsetDateTime.parse("2024-05-01T10:00:00Z"))
                        .build(),
                CloudEventBuilder.v1().withId("v1-3").withSource(URI.create("/s")).withType("t")
                        .withDataContentType("application/octet-stream").withData(new byte[0]).build(),
                TestEvents.event(4));
    }

    /** @return the resource: the framed records of {@link #events()} */
    static byte[] bytes() throws IOException {
        try (InputStream in = VersionOneRecords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " not on the test classpath");
            }
            return in.readAllBytes();
        }
    }
}
