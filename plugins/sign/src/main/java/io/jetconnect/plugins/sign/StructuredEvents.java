package io.jetconnect.plugins.sign;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads structured-mode CloudEvents (the JSON format) for verification. Two departures from the SDK's defaults
 * keep the event as it was signed:
 * <ul>
 *   <li>no {@code datacontenttype} is assumed when the document has none;</li>
 *   <li>data held as a JSON value ({@code "data": {...}} under a JSON content type) is taken as the exact bytes
 *       of that value in the document, not as the SDK's re-serialization of it, which loses whitespace and the
 *       spelling of numbers. The JSON format writes the data bytes there verbatim.</li>
 * </ul>
 */
final class StructuredEvents {

    private static final JsonFormat FORMAT = new JsonFormat(JsonFormatOptions.builder()
            .disableDataContentTypeDefaulting(true)
            .build());
    private static final JsonFactory FACTORY = new JsonFactory();

    private StructuredEvents() {
    }

    /**
     * @param document one JSON object in UTF-8
     * @return the event
     * @throws IllegalArgumentException with a printable reason if the document is not a CloudEvent
     */
    static CloudEvent parse(byte[] document) {
        CloudEvent event;
        try {
            event = FORMAT.deserialize(document);
        } catch (RuntimeException e) {
            // EventDeserializationException, CloudEventRWException, and bare RuntimeExceptions the deserializer wraps.
            throw new IllegalArgumentException("not a CloudEvent in the JSON format: " + rootMessage(e));
        }
        if (event.getData() instanceof JsonCloudEventData) {
            byte[] raw = rawData(document);
            if (raw != null) {
                return CloudEventBuilder.from(event).withData(raw).build();
            }
        }
        return event;
    }

    /** @return the bytes of the top-level {@code data} member's value, or null if there is none */
    static byte[] rawData(byte[] document) {
        try (JsonParser parser = FACTORY.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            byte[] raw = null;
            JsonToken token = parser.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                boolean data = "data".equals(parser.currentName());
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                token = parser.nextToken();
                if (data) {
                    // The value ends where the next member or the closing brace begins, less blanks and a comma.
                    int end = trimBack(document, start, (int) parser.currentTokenLocation().getByteOffset());
                    if (end > start && document[end - 1] == ',') {
                        end = trimBack(document, start, end - 1);
                    }
                    raw = Arrays.copyOfRange(document, start, end);
                }
            }
            return raw;
        } catch (IOException e) {
            return null;
        }
    }

    private static int trimBack(byte[] document, int start, int end) {
        while (end > start && (document[end - 1] == ' ' || document[end - 1] == '\t' || document[end - 1] == '\n'
                || document[end - 1] == '\r')) {
            end--;
        }
        return end;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
