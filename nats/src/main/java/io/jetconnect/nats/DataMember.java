package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How an event's data goes into the JSON event format (3.1.1): as a JSON value ({@code "data": <bytes>}) only when
 * the data is declared JSON and its bytes are exactly one JSON value in UTF-8; else as {@code data_base64}, which
 * keeps any bytes as they are.
 *
 * <p>Why the check: a JSON value is written by copying the data's bytes into the document. Bytes that are not one
 * JSON value would end the value early and make members of the stored event
 * ({@code 1,"source":"/evil"} is data {@code 1} and a second {@code source}), or make the document unreadable.
 *
 * <p>Declared JSON: {@code datacontenttype} {@code application/json}, {@code text/json} or any {@code +json} type, in
 * any case and with parameters; or no {@code datacontenttype} and bytes that are a JSON value with nothing around
 * it, which a reader of the format gets back as the same bytes (a structured-mode event's {@code data} member).
 * Anything else is bytes to the format, as the SDK's {@code JsonFormat} writes non-JSON data. Thread-safe.
 */
public final class DataMember {

    enum Kind { NONE, JSON, BASE64 }

    static final DataMember NONE = new DataMember(Kind.NONE, null);

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The last content type looked at and whether it declares JSON; a producer's content types rarely vary. */
    private static volatile Verdict lastVerdict = new Verdict("application/json", true);

    private record Verdict(String contentType, boolean json) {
    }

    private final Kind kind;
    private final byte[] bytes;

    private DataMember(Kind kind, byte[] bytes) {
        this.kind = kind;
        this.bytes = bytes;
    }

    /** @return how the event's data is written */
    static DataMember of(CloudEvent event) {
        CloudEventData data = event.getData();
        if (data == null) {
            return NONE;
        }
        byte[] bytes = data.toBytes();
        String contentType = event.getDataContentType();
        // Nothing around the value either way: a reader gets the value's bytes back, so whitespace around it would
        // be lost, and a signature over the bytes as sent would no longer verify. Such data is data_base64.
        boolean json = (contentType == null || declaresJson(contentType)) && isOneJsonValue(bytes, false);
        return new DataMember(json ? Kind.JSON : Kind.BASE64, bytes);
    }

    Kind kind() {
        return kind;
    }

    /** @return the data's bytes (not a copy); null for {@link Kind#NONE} */
    byte[] bytes() {
        return bytes;
    }

    /** @return whether a {@code datacontenttype} says JSON: {@code application/json}, {@code text/json}, {@code +json} */
    public static boolean declaresJson(String contentType) {
        Verdict verdict = lastVerdict;
        if (!contentType.equals(verdict.contentType())) {
            verdict = new Verdict(contentType, isJsonType(contentType));
            lastVerdict = verdict;
        }
        return verdict.json();
    }

    private static boolean isJsonType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return essence.equals("application/json") || essence.equals("text/json")
                || (essence.endsWith("+json") && essence.indexOf('/') > 0);
    }

    /**
     * @param whitespaceAround whether JSON whitespace may come before and after the value
     * @return whether the bytes are strictly UTF-8 and exactly one well-formed JSON value
     */
    static boolean isOneJsonValue(byte[] bytes, boolean whitespaceAround) {
        int n = bytes.length;
        if (n == 0) {
            return false;
        }
        if (!whitespaceAround && (whitespace(bytes[0]) || whitespace(bytes[n - 1]))) {
            return false;
        }
        // Jackson's byte parser skips a byte order mark and reads UTF-16 or UTF-32 when it sees a NUL among the first
        // bytes; none of these is JSON in UTF-8, and copied into a UTF-8 document they would not read back.
        if (bytes[0] == 0 || (n > 1 && bytes[1] == 0) || bytes[0] == (byte) 0xEF) {
            return false;
        }
        if (!StructuredJson.ascii(bytes) && !utf8(bytes)) {
            return false;
        }
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The JDK's decoder refuses overlong forms, surrogates and truncated sequences, which Jackson lets by. */
    private static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
