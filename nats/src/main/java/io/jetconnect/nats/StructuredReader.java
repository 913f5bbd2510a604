package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import java.io.IOException;
import java.util.Arrays;

/**
 * Structured mode: the SDK's JSON event format, with two departures from its defaults that keep the event as it
 * was written: no {@code datacontenttype} is assumed when the document has none, and JSON data is the exact bytes
 * of the {@code data} member's value (the SDK holds it as a tree, and writing the tree out again changes
 * whitespace and the spelling of numbers, which would break a signature over the data).
 */
final class StructuredReader {

    private static final JsonFactory JSON = new JsonFactory();

    /** The SDK's JSON event format as a Jackson reader, built once: the type is not looked up per message. */
    private static final ObjectReader FORMAT = JsonMapper.builder()
            .addModule(JsonFormat.getCloudEventJacksonModule(JsonFormatOptions.builder()
                    .disableDataContentTypeDefaulting(true)
                    .build()))
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .readerFor(CloudEvent.class);

    private StructuredReader() {
    }

    static CloudEvent read(byte[] document) throws InvalidMessageException {
        if (document.length == 0) {
            throw new InvalidMessageException(InvalidMessageException.STRUCTURED, "empty body and no ce- headers");
        }
        CloudEvent event;
        try {
            event = FORMAT.readValue(document);
        } catch (IOException | RuntimeException e) {
            // EventDeserializationException, CloudEventRWException, and the runtime exceptions the SDK wraps.
            throw new InvalidMessageException(InvalidMessageException.STRUCTURED,
                    "not a CloudEvent in the JSON format: " + NatsEventReader.rootMessage(e));
        }
        if (event == null) {
            throw new InvalidMessageException(InvalidMessageException.STRUCTURED,
                    "not a CloudEvent in the JSON format: null");
        }
        if (event.getData() instanceof JsonCloudEventData) {
            byte[] raw = rawData(document);
            if (raw != null) {
                event = CloudEventBuilder.from(event).withData(raw).build();
            }
        }
        return event;
    }

    /** @return the bytes of the top-level {@code data} member's value as they are in the document, or null */
    static byte[] rawData(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            byte[] raw = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    parser.getText(); // reads to the closing quote, where the value ends
                }
                if (name.equals("data")) {
                    raw = Arrays.copyOfRange(document, start, (int) parser.currentLocation().getByteOffset());
                }
            }
            return raw;
        } catch (IOException e) {
            return null;
        }
    }
}
