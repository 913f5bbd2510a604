package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.jetconnect.testing.MicroBenchmark;
import io.jetconnect.testing.SampleEvents;
import io.nats.client.impl.Headers;
import io.jetconnect.nats.StructuredJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The {@code jetstream} sink's per-event work before {@code publishAsync}: CloudEvent serialization (the SDK's
 * {@link JsonFormat} alone, then the sink's structured body, written by {@link StructuredJson}; the binary body
 * and headers) and the subject template ({@code {tenantId}} peeked from the
 * data, and a constant subject), on an event of about 1 KiB like the ones {@code jetconnect bench} sends. Run with
 * the others as docs/performance.md says ({@code -Pjmh}).
 */
public class EncodingBenchmark extends MicroBenchmark {

    private CloudEvent event;
    private final JsonFormat sdk = new JsonFormat();
    private final EventEncoder structured = new EventEncoder(false);
    private final EventEncoder binary = new EventEncoder(true);
    private final SubjectTemplate tenanted = SubjectTemplate.parse("cellos.events.{tenantId}.v1");
    private final SubjectTemplate constant = SubjectTemplate.parse("cellos.events.v1");

    @Setup
    public void setUp() {
        event = SampleEvents.measured();
    }

    @Benchmark
    public byte[] serializeSdkJsonFormat() {
        return sdk.serialize(event);
    }

    @Benchmark
    public byte[] structuredBody() {
        return structured.body(event);
    }

    @Benchmark
    public Headers structuredHeaders() {
        return structured.headers(event);
    }

    @Benchmark
    public byte[] binaryBody() {
        return binary.body(event);
    }

    @Benchmark
    public Headers binaryHeaders() {
        return binary.headers(event);
    }

    @Benchmark
    public String subjectWithTenant() {
        return tenanted.resolve(event);
    }

    @Benchmark
    public String subjectConstant() {
        return constant.resolve(event);
    }
}
