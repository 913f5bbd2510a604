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
 * Structured mode: the SDK's JSON event format, with three departures from its defaults that keep the event as it
 * was written: no {@code datacontenttype} is assumed when the document has none; JSON data is the exact bytes
 * of the {@code data} member's value (the SDK holds it as a tree, and writing the tree out again changes
 * whitespace and the spelling of numbers, which would break a signature over the data); and a JSON value is taken
 * as data under every content type the JSON format calls JSON ({@link DataMember#declaresJson}: any {@code +json}
 * type, in any case), where the SDK's own pattern ({@code (application|text)/([a-zA-Z]+\+)?json}, case-sensitive)
 * refuses {@code application/vnd.acme.order+json} or {@code APPLICATION/JSON} with object data.
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
        for (int i = 0; i < Math.min(4, document.length); i++) {
            // UTF-16 or UTF-32, which Jackson would detect and read with offsets the raw-data scan cannot use.
            if (document[i] == 0) {
                throw new InvalidMessageException(InvalidMessageException.STRUCTURED,
                        "not a CloudEvent in the JSON format: the document is not UTF-8");
            }
        }
        CloudEvent event = StructuredFastPath.read(document);
        return event != null ? event : readWithSdk(document);
    }

    /** The SDK's reader, for every document {@link StructuredFastPath} leaves to it. */
    static CloudEvent readWithSdk(byte[] document) throws InvalidMessageException {
        CloudEvent event;
        try {
            event = FORMAT.readValue(document);
        } catch (IOException | RuntimeException e) {
            // EventDeserializationException, CloudEventRWException, and the runtime exceptions the SDK wraps.
            event = readJsonDataTheSdkRefuses(document);
            if (event == null) {
                throw new InvalidMessageException(InvalidMessageException.STRUCTURED,
                        "not a CloudEvent in the JSON format: " + NatsEventReader.rootMessage(e));
            }
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

    /**
     * @return the event, if its {@code data} is a JSON value other than a string under a content type that declares
     *     JSON and the rest of the document is an event: read with the value replaced by an empty string, then
     *     given the value's bytes as its data; else null
     */
    private static CloudEvent readJsonDataTheSdkRefuses(byte[] document) {
        DataValue data = dataValue(document);
        if (data == null || data.string || data.contentType == null || !DataMember.declaresJson(data.contentType)) {
            return null;
        }
        byte[] blanked = new byte[document.length - (data.end - data.start) + 2];
        System.arraycopy(document, 0, blanked, 0, data.start);
        blanked[data.start] = '"';
        blanked[data.start + 1] = '"';
        System.arraycopy(document, data.end, blanked, data.start + 2, document.length - data.end);
        try {
            CloudEvent attributes = FORMAT.readValue(blanked);
            return attributes == null ? null : CloudEventBuilder.from(attributes)
                    .withData(Arrays.copyOfRange(document, data.start, data.end)).build();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where the top-level {@code data} member's value is, whether it is a string, and the content type. */
    private record DataValue(int start, int end, boolean string, String contentType) {
    }

    private static DataValue dataValue(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int start = -1;
            int end = -1;
            boolean string = false;
            String contentType = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                int at = (int) parser.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    String text = parser.getText(); // reads to the closing quote, where the value ends
                    if (name.equals("datacontenttype")) {
                        contentType = text;
                    }
                }
                if (name.equals("data")) {
                    start = at;
                    end = (int) parser.currentLocation().getByteOffset();
                    string = value == JsonToken.VALUE_STRING;
                }
            }
            return start < 0 ? null : new DataValue(start, end, string, contentType);
        } catch (IOException e) {
            return null;
        }
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
                if (name.equals("data")) {
                    raw = StructuredFastPath.valueBytes(parser, value, document);
                } else if (value.isStructStart()) {
                    // A string needs no reading: the next nextFieldName skips it.
                    parser.skipChildren();
                }
            }
            return raw;
        } catch (IOException e) {
            return null;
        }
    }
}
