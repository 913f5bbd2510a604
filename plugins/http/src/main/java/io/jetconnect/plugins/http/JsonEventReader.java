package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON event format: one event (structured mode) or a JSON array of events (batched mode), in one pass of
 * one Jackson parser over the body's bytes, each event built from its members as they stream by
 * ({@link EventMembers}, which applies the SDK deserializer's rules without building a tree). The body must be
 * strictly UTF-8 ({@link StrictUtf8}); the parser is bounded in nesting depth and document length and quotes at most
 * a short token in its error messages; a name repeated within an object is refused.
 *
 * <p>JSON {@code data} is kept as the exact bytes of its value in the body, whitespace, escapes and number forms as
 * sent, and never re-serialized. (It used to go through a Jackson tree and be written back compactly, one tree and
 * one text per event; that was most of the source's CPU per event.)
 *
 * <p>Any fault refuses the request with a 400 naming the index of the event at fault; nothing is emitted.
 */
final class JsonEventReader {

    /** How much of an offending token Jackson quotes in an error message. */
    private static final int ERROR_TOKEN_CHARS = 40;

    /** For the bytes; repeated names are refused by {@link EventMembers}, at less cost. */
    private final JsonFactory bytes;
    /** For the text, to word faults as the SDK path did; refuses repeated names itself. */
    private final JsonFactory text;
    private final int maxEvents;

    JsonEventReader(HttpSourceSettings settings) {
        this.bytes = factory(settings, false);
        this.text = factory(settings, true);
        this.maxEvents = settings.maxEventsPerRequest();
    }

    private static JsonFactory factory(HttpSourceSettings settings, boolean strictDuplicates) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(settings.maxNestingDepth())
                        .maxDocumentLength(settings.maxRequestBytes())
                        .maxStringLength(settings.maxRequestBytes())
                        .build())
                .errorReportConfiguration(ErrorReportConfiguration.builder()
                        .maxErrorTokenLength(ERROR_TOKEN_CHARS)
                        .maxRawContentLength(0)
                        .build())
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, strictDuplicates)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** @return the one event of a structured-mode body */
    List<CloudEvent> readStructured(byte[] body) {
        requireUtf8(body, false);
        EventMembers members = new EventMembers(body);
        try (JsonParser parser = parser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw RequestRejection.invalid("the body is empty", 0);
            }
            if (first != JsonToken.START_OBJECT) {
                throw RequestRejection.invalid("an event must be a JSON object", 0);
            }
            members.read(parser);
            CloudEvent event = members.event(0);
            if (parser.nextToken() != null) {
                throw RequestRejection.invalid("unexpected content after the event", 0);
            }
            EventChecks.requireNonEmpty(event, 0);
            return List.of(event);
        } catch (JsonProcessingException e) {
            throw RequestRejection.invalid(textMessage(body, e), 0);
        } catch (IOException | IllegalArgumentException e) {
            throw RequestRejection.invalid(e.getMessage(), 0);
        }
    }

    /** @return the events of a batched-mode body, in order */
    List<CloudEvent> readBatch(byte[] body) {
        requireUtf8(body, true);
        EventMembers members = new EventMembers(body);
        int index = 0;
        try (JsonParser parser = parser(body)) {
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
                members.read(parser);
                CloudEvent event = members.event(index);
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
            // An empty array is a batch of no events (JSON format, 4): accepted, nothing emitted.
            return batch;
        } catch (JsonProcessingException e) {
            throw RequestRejection.invalid(textMessage(body, e), index);
        } catch (IOException | IllegalArgumentException e) {
            throw RequestRejection.invalid(e.getMessage(), index);
        }
    }

    /**
     * A parser over the body's bytes, unless Jackson would not read them as UTF-8 ({@link JsonData#readAsUtf8}):
     * then over the text, where the byte order mark or the NUL is refused at the first token, with the messages
     * these bodies always had.
     */
    private JsonParser parser(byte[] body) throws IOException {
        if (JsonData.readAsUtf8(body)) {
            return bytes.createParser(body);
        }
        return text.createParser(new String(body, StandardCharsets.UTF_8).toCharArray());
    }

    /**
     * Jackson words some faults differently when it parses bytes ("Invalid UTF-8 start byte 0xa0" for a no-break
     * space between tokens, which is valid UTF-8); clients have always been told what its parser of text says.
     * Only for a body already refused, so the second parse costs nothing on the accepting path.
     *
     * @return the message of the first fault that parser finds in the body, read as the SDK read it (every string
     *     decoded), or that of {@code fault} if it finds none
     */
    private String textMessage(byte[] body, JsonProcessingException fault) {
        try (JsonParser parser = text.createParser(new String(body, StandardCharsets.UTF_8).toCharArray())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING) {
                    parser.getText();
                }
            }
        } catch (JsonProcessingException e) {
            return message(e);
        } catch (IOException e) {
            // not a fault of the text
        }
        return message(fault);
    }

    /** Refuses a body that is not strictly UTF-8, naming the batch element the first fault is in. */
    private void requireUtf8(byte[] body, boolean batch) {
        int malformed = StrictUtf8.firstMalformed(body);
        if (malformed >= 0) {
            int index = batch ? elementAt(new String(body, 0, malformed, StandardCharsets.UTF_8)) : 0;
            throw RequestRejection.invalid("the body is not valid UTF-8 (at byte " + malformed + ")", index);
        }
    }

    /**
     * Finds the batch element that a text cut short is in: the count of elements begun if the cut falls inside one,
     * else of those completed. Used only to place a fault found before parsing.
     */
    private int elementAt(String prefix) {
        int begun = 0;
        boolean inside = false;
        try (JsonParser parser = text.createParser(prefix.toCharArray())) {
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

    /** @return Jackson's message without locations, which say nothing useful once the source is not quoted */
    static String message(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "malformed JSON";
        }
        int location = message.indexOf(" (start marker at");
        return location < 0 ? message : message.substring(0, location);
    }
}
