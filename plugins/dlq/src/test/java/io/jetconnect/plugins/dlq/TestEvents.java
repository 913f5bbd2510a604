package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Events and small helpers shared by the tests. */
final class TestEvents {

    private TestEvents() {
    }

    static String id(int i) {
        return "e-" + i;
    }

    /** @return event {@code i} with about {@code size} bytes of JSON data */
    static CloudEvent event(int i, int size) {
        StringBuilder data = new StringBuilder("{\"n\": ").append(i).append(", \"pad\": \"");
        while (data.length() < size - 2) {
            data.append((char) ('a' + data.length() % 26));
        }
        data.append("\"}");
        return SampleEvents.builder(id(i))
                .withTime(OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(data.toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    static CloudEvent event(int i) {
        return event(i, 200);
    }

    /** @return event {@code i} with a CloudEvents subject, which {@link FakeSink} takes as its ordering key */
    static CloudEvent event(int i, String subject) {
        return CloudEventBuilder.from(event(i)).withSubject(subject).build();
    }

    /**
     * @return the event framed as a version-2 record, as builds before authenticated records wrote it:
     *     {@code [0xD2][length][CRC32C][compact payload]}
     */
    static byte[] versionTwoRecord(CloudEvent event) {
        int header = RecordCodec.LEGACY_HEADER_BYTES;
        byte[] frame = CompactPayload.write(event, header);
        frame[0] = RecordCodec.VERSION_2;
        RecordCodec.putInt(frame, 1, frame.length - header);
        RecordCodec.putInt(frame, 5, RecordCodec.crc(frame, header, frame.length - header));
        return frame;
    }

    static List<String> ids(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(TestEvents::id).collect(Collectors.toList());
    }

    /** Waits for a stage and returns its failure, or null if it completed normally. */
    static Throwable outcome(CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("stage did not complete", e);
        }
    }
}
