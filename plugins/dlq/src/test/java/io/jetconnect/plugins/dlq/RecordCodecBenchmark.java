package io.jetconnect.plugins.dlq;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.testing.MicroBenchmark;
import io.jetconnect.testing.SampleEvents;
import java.time.OffsetDateTime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The {@code dlq}'s per-event work on its two threads that matter: framing an event as a record on the emitting
 * thread (spill) and reading one back on the drainer's thread (drain), in both record versions. Events of about 1
 * KiB of JSON data like the ones {@code jetconnect bench} sends ({@code bench}), and the same with a time, a subject
 * and three extensions ({@code rich}). Run with the others as docs/performance.md says ({@code -Pjmh}).
 */
public class RecordCodecBenchmark extends MicroBenchmark {

    @Param({"bench", "rich"})
    public String shape;

    private final RecordCodec codec = new RecordCodec();
    private CloudEvent event;
    private byte[] version1;
    private byte[] version2;

    @Setup
    public void setUp() {
        CloudEventBuilder builder = SampleEvents.measured(SampleEvents.MEASURED_JSON);
        if (shape.equals("rich")) {
            builder.withTime(OffsetDateTime.parse("2024-05-01T12:00:00.123Z")).withSubject("sensor/42")
                    .withExtension("tenant", "acme").withExtension("attempt", 3).withExtension("urgent", true);
        }
        event = builder.build();
        version1 = codec.json(event);
        version2 = codec.encode(event);
    }

    @Benchmark
    public byte[] encodeVersion1() {
        return codec.json(event);
    }

    @Benchmark
    public byte[] encodeVersion2() {
        return codec.encode(event);
    }

    @Benchmark
    public CloudEvent decodeVersion1() {
        return codec.decode(RecordCodec.VERSION_1, version1, 0, version1.length);
    }

    @Benchmark
    public CloudEvent decodeVersion2() {
        return codec.decode(version2[0], version2, RecordCodec.HEADER_BYTES,
                version2.length - RecordCodec.HEADER_BYTES);
    }
}
