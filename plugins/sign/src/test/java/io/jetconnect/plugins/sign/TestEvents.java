package io.jetconnect.plugins.sign;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

/** Sample events. */
final class TestEvents {

    private TestEvents() {
    }

    static CloudEventBuilder builder(String id) {
        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create("/orders/eu-west-1"))
                .withType("com.example.order.created")
                .withTime(OffsetDateTime.parse("2025-03-01T12:00:00.123Z"))
                .withSubject("order-" + id)
                .withExtension("tenant", "acme");
    }

    static CloudEvent json(String id) {
        return builder(id)
                .withDataContentType("application/json")
                .withData(("{\"order\":\"" + id + "\",\"total\":\"59.90\"}").getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
