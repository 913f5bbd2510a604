package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.Arrays;

/**
 * The common structured event ({@link CommonEventParts}) read in one streaming pass, at about a third of the cost
 * of the SDK's reader, which builds a tree of the whole document and needs a second scan for the raw data. Plain
 * ASCII documents without escapes are scanned by {@link PlainJsonScanner}; the others through a Jackson parser.
 * Anything else, an invalid event included, returns null, so that {@link StructuredReader} reads it the SDK's way
 * and refuses it with the SDK's words. {@code StructuredFastPathTest} compares the three.
 */
final class StructuredFastPath {

    private static final JsonFactory JSON = new JsonFactory();

    private StructuredFastPath() {
    }

    /** @return the event, or null when the document is not of the common shape (or not an event) */
    static CloudEvent read(byte[] document) {
        CloudEvent event = PlainJsonScanner.read(document);
        return event != null ? event : readWithJackson(document);
    }

    /** The Jackson tier, for documents with escapes or other than ASCII. */
    static CloudEvent readWithJackson(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            CommonEventParts parts = new CommonEventParts();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                if (!parts.member(name)) {
                    return null;
                }
                JsonToken value = parser.nextToken();
                if (name.equals("data")) {
                    if (value == JsonToken.VALUE_NULL) {
                        return null;
                    }
                    parts.data(valueBytes(parser, value, document));
                } else if (value != JsonToken.VALUE_STRING || !parts.attribute(name, parser.getText())) {
                    return null;
                }
            }
            return parser.nextToken() != null ? null : parts.build();
        } catch (Exception notCommon) {
            // Malformed JSON, an attribute the builder refuses, a missing one: the SDK's path says which.
            return null;
        }
    }

    /**
     * @param value the token the parser is on: the start of a member's value
     * @return the bytes of that value as they are in the document; the parser is left at its last token
     */
    static byte[] valueBytes(JsonParser parser, JsonToken value, byte[] document) throws IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (value.isStructStart()) {
            parser.skipChildren();
        } else if (value == JsonToken.VALUE_STRING) {
            parser.getText(); // reads to the closing quote, where the value ends
        }
        return Arrays.copyOfRange(document, start, (int) parser.currentLocation().getByteOffset());
    }
}
