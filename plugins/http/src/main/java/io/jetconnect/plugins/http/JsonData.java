package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Checks the body of a binary-mode request whose Content-Type says JSON: it must be exactly one well-formed JSON
 * value in UTF-8. The structured JSON format embeds such data as it is, so anything else could close the data value
 * early and forge attributes of the stored event ({@code {"tenantId":"a"},"source":"/forged"}).
 */
final class JsonData {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonData() {
    }

    /** @return whether a media type (without parameters, lower case) is JSON */
    static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /** @throws RequestRejection (400) when the body is not one well-formed JSON value */
    static void requireValid(byte[] body) {
        try {
            // Jackson checks UTF-8 only in what it decodes, and skipping a value decodes nothing.
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw RequestRejection.invalid("the data is declared JSON but is not valid UTF-8", 0);
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw RequestRejection.invalid("the data is declared JSON but is empty", 0);
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw RequestRejection.invalid("the data is declared JSON but has content after its first value "
                        + "(line " + parser.currentLocation().getLineNr() + ", column "
                        + parser.currentLocation().getColumnNr() + ")", 0);
            }
        } catch (JsonProcessingException e) {
            throw RequestRejection.invalid("the data is declared JSON but is not well-formed JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", 0);
        } catch (IOException e) {
            throw RequestRejection.invalid("the data cannot be read as JSON", 0);
        }
    }
}
