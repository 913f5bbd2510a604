package io.jetconnect.runtime.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Reads a CloudEvent from a NATS message in either mode of the CloudEvents NATS binding: structured (the body is
 * the JSON format) or binary (attributes in {@code ce-} headers, the body is the data). Rendering back is always
 * the structured JSON format.
 */
public final class MessageEvents {

    private static final JsonFormat JSON = new JsonFormat();

    private MessageEvents() {
    }

    /**
     * @return the event
     * @throws EventDeserializationException or IllegalArgumentException when the message is not a CloudEvent
     */
    public static CloudEvent read(Message message) {
        Headers headers = message.getHeaders();
        String specversion = headers == null ? null : headers.getFirst("ce-specversion");
        if (specversion == null) {
            return JSON.deserialize(message.getData());
        }
        CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(
                io.cloudevents.SpecVersion.parse(specversion));
        for (String name : headers.keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("ce-") || lower.equals("ce-specversion")) {
                continue;
            }
            String attribute = lower.substring(3);
            String value = headers.getFirst(name);
            switch (attribute) {
                case "id" -> builder.withId(value);
                case "source" -> builder.withSource(URI.create(value));
                case "type" -> builder.withType(value);
                case "subject" -> builder.withSubject(value);
                case "time" -> builder.withTime(OffsetDateTime.parse(value));
                case "dataschema" -> builder.withDataSchema(URI.create(value));
                default -> builder.withExtension(attribute, value);
            }
        }
        String contentType = headers.getFirst("content-type");
        if (contentType != null) {
            builder.withDataContentType(contentType);
        }
        if (message.getData() != null && message.getData().length > 0) {
            builder.withData(message.getData());
        }
        return builder.build();
    }

    /** @return the structured JSON format of an event, as UTF-8 text */
    public static String toJson(CloudEvent event) {
        return new String(JSON.serialize(event), StandardCharsets.UTF_8);
    }
}
