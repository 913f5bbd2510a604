package io.jetconnect.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The CloudEvents the tests of every module send when the attributes themselves are not under test: source
 * {@value #SOURCE_TEXT}, type {@value #TYPE}. A test that checks a value the event carries starts from
 * {@link #builder(String)} and sets it there, so that what it asserts stands in the test.
 */
public final class SampleEvents {

    public static final String SOURCE_TEXT = "/test";
    public static final URI SOURCE = URI.create(SOURCE_TEXT);
    public static final String TYPE = "test.event";

    /** The data of {@link #measured()}: about 1 KiB of JSON with a {@code tenantId}. */
    public static final String MEASURED_JSON = "{\"tenantId\":\"acme\",\"kind\":\"measurement\",\"unit\":\"ms\","
            + "\"value\":42,\"payload\":\"" + "x".repeat(820) + "\"}";

    private SampleEvents() {
    }

    /** @return the event the JMH benchmarks measure, of about 1 KiB like the ones {@code jetconnect bench} sends */
    public static CloudEvent measured() {
        return measured(MEASURED_JSON).build();
    }

    /** @return a builder of the benchmarks' event with other JSON data */
    public static CloudEventBuilder measured(String json) {
        return CloudEventBuilder.v1()
                .withId("bench-000000000001")
                .withSource(URI.create("/jetconnect/bench"))
                .withType("io.jetconnect.bench.measured")
                .withData("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a builder with the required attributes: {@code id}, the sample source and type */
    public static CloudEventBuilder builder(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(SOURCE).withType(TYPE);
    }

    /** @return an event with the required attributes only */
    public static CloudEvent event(String id) {
        return builder(id).build();
    }

    /** @return an event from {@code source} (the key of message ids, with {@code id}) */
    public static CloudEvent from(String source, String id) {
        return builder(id).withSource(URI.create(source)).build();
    }

    /** @return an event whose data is {@code json} as UTF-8, declared {@code application/json} */
    public static CloudEvent json(String id, String json) {
        return data(id, "application/json", json);
    }

    /** @return an event whose data is {@code text} as UTF-8, declared {@code contentType} */
    public static CloudEvent data(String id, String contentType, String text) {
        return builder(id).withData(contentType, text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
