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

    /** The last content type looked at and whether it declares JSON; a producer's content types rarely vary. */
    private static volatile Verdict lastVerdict = new Verdict("application/json", true);

    private record Verdict(String contentType, boolean json) {
    }

    private JsonData() {
    }

    /** @return whether a media type (without parameters, lower case) is JSON */
    static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /**
     * The JSON event format's rule (3.1): data is a JSON value when {@code datacontenttype} is absent,
     * {@code application/json}, or any {@code +json} type, in any case and with any parameters. (The SDK's pattern
     * missed {@code application/vnd.example+json} and {@code APPLICATION/JSON}.)
     *
     * @param contentType a {@code datacontenttype}, or null if absent
     */
    static boolean declaresJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        Verdict verdict = lastVerdict;
        if (!contentType.equals(verdict.contentType())) {
            verdict = new Verdict(contentType, isJson(MediaType.parse(contentType).essence()));
            lastVerdict = verdict;
        }
        return verdict.json();
    }

    /**
     * @return whether Jackson's byte parser reads {@code bytes} as UTF-8 from their first byte: it skips a UTF-8 byte
     *     order mark, and takes a NUL among the first two bytes for UTF-16 or UTF-32. JSON in UTF-8 has neither.
     */
    static boolean readAsUtf8(byte[] bytes) {
        boolean bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB
                && bytes[2] == (byte) 0xBF;
        boolean nul = bytes.length >= 2 && (bytes[0] == 0 || bytes[1] == 0);
        return !bom && !nul;
    }

    /** @throws RequestRejection (400) when the body is not one well-formed JSON value */
    static void requireValid(byte[] body) {
        if (!StrictUtf8.isValid(body)) {
            throw RequestRejection.invalid("the data is declared JSON but is not valid UTF-8", 0);
        }
        if (!readAsUtf8(body)) {
            // Jackson would read past the mark, or read UTF-16, and the bytes would be stored as they are.
            throw RequestRejection.invalid("the data is declared JSON but does not start as JSON in UTF-8 does "
                    + "(a byte order mark or a NUL)", 0);
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
