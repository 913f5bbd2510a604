package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The common structured event read in one streaming pass: a 1.0 event whose members other than {@code data} are
 * all strings, appearing once each, with no {@code data_base64}, and whose data (if any) is under no content type
 * or one the SDK takes for JSON. For these the SDK's reader gives exactly what this gives (the attributes through
 * the same builder, the data as the bytes of its value, which {@link StructuredReader} puts in place of the SDK's
 * tree anyway), at about a third of the cost: the SDK builds a tree of the whole document and the raw data needs a
 * second scan. Anything else, an invalid event included, returns null, so that {@link StructuredReader} reads it
 * the SDK's way and refuses it with the SDK's words. {@code StructuredFastPathTest} compares the two.
 */
final class StructuredFastPath {

    private static final JsonFactory JSON = new JsonFactory();
    /** The SDK's own test for JSON data ({@code JsonFormat.dataIsJsonContentType}, package-private there). */
    private static final Pattern SDK_JSON = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    private static final String JSON_TYPE = "application/json";
    private static final int MOST_MEMBERS = 32;
    /** Immutable, so that any thread may read what any other wrote. */
    private static volatile ParsedSource lastSource;

    private record ParsedSource(String text, URI uri) {
    }

    private StructuredFastPath() {
    }

    /** @return the event, or null when the document is not of the common shape (or not an event) */
    static CloudEvent read(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            io.cloudevents.core.v1.CloudEventBuilder builder = new io.cloudevents.core.v1.CloudEventBuilder();
            String[] seen = new String[MOST_MEMBERS];
            int members = 0;
            boolean v1 = false;
            String contentType = null;
            byte[] data = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                if (members == MOST_MEMBERS || repeated(seen, members, name)) {
                    return null;
                }
                seen[members++] = name;
                JsonToken value = parser.nextToken();
                if (name.equals("data")) {
                    if (value == JsonToken.VALUE_NULL) {
                        return null;
                    }
                    data = valueBytes(parser, value, document);
                    continue;
                }
                if (value != JsonToken.VALUE_STRING) {
                    return null;
                }
                String text = parser.getText();
                switch (name) {
                    case "specversion" -> {
                        if (!text.equals("1.0")) {
                            return null;
                        }
                        v1 = true;
                    }
                    case "data_base64" -> {
                        return null;
                    }
                    case "source" -> builder.withContextAttribute(name, source(text));
                    default -> {
                        if (name.equals("datacontenttype")) {
                            contentType = text;
                        }
                        builder.withContextAttribute(name, text);
                    }
                }
            }
            if (!v1 || parser.nextToken() != null) {
                return null;
            }
            if (data != null) {
                if (contentType != null && !contentType.equals(JSON_TYPE) && !SDK_JSON.matcher(contentType).matches()) {
                    return null;
                }
                builder.withData(data);
            }
            return builder.build();
        } catch (Exception notCommon) {
            // Malformed JSON, an attribute the builder refuses, a missing one: the SDK's path says which.
            return null;
        }
    }

    /**
     * @param value the token the parser is on: the start of a member's value
     * @return the bytes of that value as they are in the document; the parser is left at its last token
     */
    static byte[] valueBytes(JsonParser parser, JsonToken value, byte[] document) throws java.io.IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (value.isStructStart()) {
            parser.skipChildren();
        } else if (value == JsonToken.VALUE_STRING) {
            parser.getText(); // reads to the closing quote, where the value ends
        }
        return Arrays.copyOfRange(document, start, (int) parser.currentLocation().getByteOffset());
    }

    /** @return the source as a URI, parsed once for a run of events from the same source (the usual stream) */
    private static URI source(String text) throws URISyntaxException {
        ParsedSource last = lastSource;
        if (last != null && last.text.equals(text)) {
            return last.uri;
        }
        // What the builder does with a source given as a string; a bad one fails this read, and the SDK's says why.
        URI uri = new URI(text);
        lastSource = new ParsedSource(text, uri);
        return uri;
    }

    private static boolean repeated(String[] seen, int count, String name) {
        for (int i = 0; i < count; i++) {
            if (seen[i].equals(name)) {
                return true;
            }
        }
        return false;
    }
}
