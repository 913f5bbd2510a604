package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle of {@link JsonEventReaderTest}: the JSON event format as the http source read it before
 * {@link JsonEventReader} streamed it, kept as it was (the body decoded strictly as UTF-8 to chars, each event read
 * into a Jackson tree and handed to the CloudEvents SDK's deserializer). Only tests use it.
 */
final class SdkJsonEventReader {

    /** How much of an offending token Jackson quotes in an error message. */
    private static final int ERROR_TOKEN_CHARS = 40;

    private final JsonFactory factory;
    private final ObjectReader events;
    private final int maxEvents;

    SdkJsonEventReader(HttpSourceSettings settings) {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(settings.maxNestingDepth())
                        .maxDocumentLength(settings.maxRequestBytes())
                        .maxStringLength(settings.maxRequestBytes())
                        .build())
                .errorReportConfiguration(ErrorReportConfiguration.builder()
                        .maxErrorTokenLength(ERROR_TOKEN_CHARS)
                        .maxRawContentLength(0)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        this.events = JsonMapper.builder(factory)
                .addModule(JsonFormat.getCloudEventJacksonModule(JsonFormatOptions.builder().build()))
                .build()
                .readerFor(CloudEvent.class);
        this.maxEvents = settings.maxEventsPerRequest();
    }

    private static final java.util.Set<String> NOT_EXTENSIONS = java.util.Set.of("specversion", "id", "source",
            "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");

    /**
     * Reads one event at the parser's START_OBJECT. The SDK turns an extension whose JSON value is an object or an
     * array into its text; CloudEvents has no such attribute type, so it is refused here instead.
     */
    private CloudEvent event(JsonParser parser, int index) throws IOException {
        com.fasterxml.jackson.databind.JsonNode node = events.readTree(parser);
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!NOT_EXTENSIONS.contains(field.getKey()) && field.getValue().isContainerNode()) {
                throw RequestRejection.invalid("extension attribute '" + Replies.cap(field.getKey())
                        + "' must be a string, an integer or a boolean, not a JSON "
                        + (field.getValue().isObject() ? "object" : "array"), index);
            }
        }
        return events.readValue(node);
    }

    /** @return the one event of a structured-mode body */
    List<CloudEvent> readStructured(byte[] body) {
        CharBuffer text = decode(body, false);
        try (JsonParser parser = parser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw RequestRejection.invalid("the body is empty", 0);
            }
            if (first != JsonToken.START_OBJECT) {
                throw RequestRejection.invalid("an event must be a JSON object", 0);
            }
            CloudEvent event = event(parser, 0);
            if (parser.nextToken() != null) {
                throw RequestRejection.invalid("unexpected content after the event", 0);
            }
            EventChecks.requireNonEmpty(event, 0);
            return List.of(event);
        } catch (JsonProcessingException e) {
            throw RequestRejection.invalid(JsonEventReader.message(e), 0);
        } catch (IOException | CloudEventRWException | IllegalArgumentException e) {
            throw RequestRejection.invalid(e.getMessage(), 0);
        }
    }

    /** @return the events of a batched-mode body, in order */
    List<CloudEvent> readBatch(byte[] body) {
        CharBuffer text = decode(body, true);
        int index = 0;
        try (JsonParser parser = parser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw RequestRejection.invalid("a batch must be a JSON array of events", 0);
            }
            List<CloudEvent> batch = new ArrayList<>();
            SpecVersion version = null;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (index == maxEvents) {
                    throw RequestRejection.tooLarge("a batch may carry at most " + maxEvents + " events");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw RequestRejection.invalid("an event must be a JSON object", index);
                }
                CloudEvent event = event(parser, index);
                EventChecks.requireNonEmpty(event, index);
                if (version == null) {
                    version = event.getSpecVersion();
                } else if (version != event.getSpecVersion()) {
                    throw RequestRejection.invalid("all events of a batch must have the same specversion", index);
                }
                batch.add(event);
                index++;
            }
            if (parser.nextToken() != null) {
                throw RequestRejection.invalid("unexpected content after the batch", index);
            }
            if (batch.isEmpty()) {
                throw RequestRejection.invalid("the batch is empty", 0);
            }
            return batch;
        } catch (JsonProcessingException e) {
            throw RequestRejection.invalid(JsonEventReader.message(e), index);
        } catch (IOException | CloudEventRWException | IllegalArgumentException e) {
            throw RequestRejection.invalid(e.getMessage(), index);
        }
    }

    private JsonParser parser(CharBuffer text) throws IOException {
        return factory.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining());
    }

    /**
     * Decodes the body strictly (malformed or unmappable input is an error, never a replacement character) into a
     * char buffer the parser reads without further copies.
     */
    private CharBuffer decode(byte[] body, boolean batch) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int index = batch ? elementAt(out.flip()) : 0;
            throw RequestRejection.invalid("the body is not valid UTF-8 (at byte " + in.position() + ")", index);
        }
        return out.flip();
    }

    /**
     * Finds the batch element that a text cut short is in: the count of elements begun if the cut falls inside one,
     * else of those completed. Used only to place a fault found before parsing.
     */
    private int elementAt(CharBuffer prefix) {
        int begun = 0;
        boolean inside = false;
        try (JsonParser parser = parser(prefix)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return 0;
            }
            for (JsonToken token = parser.nextToken(); token != null && token != JsonToken.END_ARRAY;
                    token = parser.nextToken()) {
                begun++;
                inside = true;
                parser.skipChildren();
                inside = false;
            }
        } catch (IOException e) {
            // the cut, or a fault before it: either way the position found so far is the answer
        }
        return inside ? begun - 1 : begun;
    }
}
