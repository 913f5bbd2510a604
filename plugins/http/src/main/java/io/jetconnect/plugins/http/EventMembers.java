package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The members of one event object of the JSON event format, read from a parser over the request body, and the
 * event they make. Members are only collected while the object is read, so a syntax fault anywhere in it is
 * reported before any attribute fault, as when the SDK read each event into a tree first.
 *
 * <p>The event is built by the SDK's own {@link CloudEventBuilder}, which parses and checks attribute values
 * (URI-references, RFC 3339 times, extension names), following the rules and the order of the SDK's deserializer
 * ({@code CloudEventDeserializer.JsonMessage} of cloudevents-json-jackson 4.0.1), so that the same bodies are
 * accepted and refused, with the same messages ({@link SdkJsonRules} holds the SDK's rules that are not public).
 * Where it differs: JSON {@code data} is the value's bytes as sent (the SDK kept a tree and wrote it back compactly,
 * turning {@code 1.10} into {@code 1.1}, or {@code 1e400} into the string {@code "Infinity"}); an object or array
 * is refused as the value of any attribute the SDK would have read as an extension, a 0.3 event's
 * {@code dataschema} included (the SDK stored its text); a {@code data_base64} that is not a string is refused with a
 * message that says so (it was "malformed JSON"). And where the SDK broke the JSON format: no {@code datacontenttype}
 * is added to data that had none (the SDK added {@code application/json}); a member that is JSON {@code null} is an
 * absent attribute (the SDK stored the string {@code "null"}); data is a JSON value under every JSON media type,
 * {@link JsonData#declaresJson} (the SDK's pattern missed {@code application/vnd.example+json} and upper case).
 *
 * <p>Not thread-safe: one instance reads the events of one request, one after the other.
 */
final class EventMembers {

    /**
     * The attributes of 1.0 and the data: an object or array there gets the SDK's type error (or is data); anywhere
     * else it is refused as an extension, before anything else is checked.
     */
    private static final Set<String> NOT_EXTENSIONS = Set.of("specversion", "id", "source", "type",
            "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");

    private final byte[] body;
    private final DistinctNames objects = new DistinctNames();
    private int count;
    private String[] names = new String[16];
    /** The names' hash codes, which {@link #find} compares first. */
    private int[] hashes = new int[16];
    private JsonToken[] tokens = new JsonToken[16];
    /** A string value; the number of a number value (as the SDK's tree held it: Integer, Long, BigInteger, Double). */
    private Object[] values = new Object[16];
    private boolean[] taken = new boolean[16];
    private int dataStart;
    private int dataEnd;

    EventMembers(byte[] body) {
        this.body = body;
    }

    /**
     * Reads the members of the object whose START_OBJECT is the parser's current token, up to its END_OBJECT.
     *
     * @throws IOException what the parser throws (malformed JSON, nesting too deep), or a name repeated within an
     *     object of the event
     */
    void read(JsonParser parser) throws IOException {
        count = 0;
        dataStart = -1;
        objects.clear();
        objects.enter();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            requireNew(parser, name);
            JsonToken token = parser.nextToken();
            Object value = null;
            boolean data = name.equals("data");
            if (data) {
                dataStart = (int) parser.currentTokenLocation().getByteOffset();
            }
            if (token.isStructStart()) {
                skip(parser);
            } else if (token == JsonToken.VALUE_STRING) {
                value = parser.getText();
            } else if (token.isNumeric() && !data) {
                value = parser.getNumberValue();
            }
            if (data) {
                dataEnd = (int) parser.currentLocation().getByteOffset();
            }
            add(name, token, value);
        }
        objects.leave();
    }

    /**
     * Skips the object or array that starts at the parser's current token: skipChildren, but checking names. Every
     * byte of it is still tokenized, and so checked.
     */
    private void skip(JsonParser parser) throws IOException {
        int depth = 0;
        for (JsonToken token = parser.currentToken(); ; token = parser.nextToken()) {
            if (token == null) {
                throw new JsonParseException(parser, "Unexpected end-of-input");
            }
            switch (token) {
                case START_OBJECT -> {
                    objects.enter();
                    depth++;
                }
                case START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> {
                    if (token == JsonToken.END_OBJECT) {
                        objects.leave();
                    }
                    if (--depth == 0) {
                        return;
                    }
                }
                case FIELD_NAME -> requireNew(parser, parser.currentName());
                default -> {
                    // a scalar: nextToken skips what is left of it
                }
            }
        }
    }

    /** The parser does not look for repeated names ({@link DistinctNames} says why); Jackson's message. */
    private void requireNew(JsonParser parser, String name) throws JsonParseException {
        if (!objects.add(name)) {
            throw new JsonParseException(parser, "Duplicate field '" + name + "'");
        }
    }

    private void add(String name, JsonToken token, Object value) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            hashes = Arrays.copyOf(hashes, count * 2);
            tokens = Arrays.copyOf(tokens, count * 2);
            values = Arrays.copyOf(values, count * 2);
            taken = Arrays.copyOf(taken, count * 2);
        }
        names[count] = name;
        hashes[count] = name.hashCode();
        tokens[count] = token;
        values[count] = value;
        taken[count] = false;
        count++;
    }

    /**
     * @return the event the members make
     * @throws RequestRejection a 400 for the event at {@code index}
     */
    CloudEvent event(int index) {
        try {
            for (int i = 0; i < count; i++) {
                if (tokens[i].isStructStart() && !NOT_EXTENSIONS.contains(names[i])) {
                    throw structuredExtension(i, index);
                }
            }
            return build(index);
        } catch (CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            String message = e.getMessage();
            throw RequestRejection.invalid(message == null ? "malformed JSON" : message, index);
        }
    }

    /**
     * CloudEvents has no attribute type for an object or an array; the SDK would have stored its text. Checked for
     * all members before anything else, as the SDK's type errors would otherwise come first.
     */
    private RequestRejection structuredExtension(int at, int index) {
        return RequestRejection.invalid("extension attribute '" + Replies.cap(names[at])
                + "' must be a string, an integer or a boolean, not a JSON "
                + (tokens[at] == JsonToken.START_OBJECT ? "object" : "array"), index);
    }

    /** {@code JsonMessage.read}, step by step; a member is taken once the SDK would have removed it from its tree. */
    private CloudEvent build(int index) {
        SpecVersion version = SpecVersion.parse(requiredString("specversion"));
        CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(version);
        for (String attribute : SdkJsonRules.mandatory(version)) {
            if (attribute.equals("source")) {
                builder.withSource(SdkJsonRules.source(requiredString(attribute)));
            } else {
                builder.withContextAttribute(attribute, requiredString(attribute));
            }
        }
        // The SDK set application/json on JSON data without a content type; that adds an attribute the sender did
        // not send, and changes what a signature covers.
        String contentType = optionalString("datacontenttype");
        if (contentType != null && contentType.isEmpty()) {
            // Checked here, before the data it would decide on; EventChecks words it the same way.
            throw new IllegalArgumentException(EventChecks.emptyMessage("datacontenttype"));
        }
        if (contentType != null) {
            builder.withContextAttribute("datacontenttype", contentType);
        }
        for (String attribute : SdkJsonRules.optional(version)) {
            String value = optionalString(attribute);
            if (value != null) {
                builder.withContextAttribute(attribute, value);
            }
        }
        CloudEventData data = null;
        if (version == SpecVersion.V03) {
            boolean base64 = "base64".equals(optionalString("datacontentencoding"));
            int at = find("data");
            if (at >= 0) {
                data = base64 ? base64(take(at)) : data(take(at), contentType);
                if (base64) {
                    requireJsonWhenDeclared(data, contentType);
                }
            }
        }
        int at = find("data_base64");
        if (at >= 0 && find("data") >= 0) {
            throw new IllegalArgumentException("CloudEvent cannot have both 'data' and 'data_base64' fields");
        }
        if (at >= 0) {
            data = base64(take(at));
            requireJsonWhenDeclared(data, contentType);
        } else if ((at = find("data")) >= 0) {
            data = data(take(at), contentType);
        }
        for (int i = 0; i < count; i++) {
            if (!taken[i]) {
                extension(builder, i, index);
            }
        }
        return data == null ? builder.end() : builder.end(data);
    }

    /**
     * Base64 data declared JSON is held to what JSON {@code data} is: one JSON value in UTF-8 with no repeated names.
     * Else a {@code tenantId} repeated inside it would be read as the first by the tenant check and the sink, and as
     * the last by a consumer whose parser keeps the last.
     */
    private static void requireJsonWhenDeclared(CloudEventData data, String contentType) {
        if (data == null || contentType == null || !JsonData.declaresJson(contentType)) {
            return;
        }
        try {
            JsonData.requireValid(data.toBytes());
        } catch (RequestRejection e) {
            throw new IllegalArgumentException("data_base64: " + e.getMessage());
        }
    }

    private void extension(CloudEventBuilder builder, int i, int index) {
        String name = names[i];
        switch (tokens[i]) {
            // Only a 0.3 event's dataschema gets here: the check in event() skips it, an attribute of 1.0.
            case START_OBJECT, START_ARRAY -> throw structuredExtension(i, index);
            case VALUE_TRUE, VALUE_FALSE -> builder.withContextAttribute(name, tokens[i] == JsonToken.VALUE_TRUE);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                // The spec's integer is 32-bit; the SDK refuses any other number.
                if (!(values[i] instanceof Integer number)) {
                    throw CloudEventRWException.newInvalidAttributeType(name, values[i]);
                }
                builder.withContextAttribute(name, number);
            }
            case VALUE_STRING -> builder.withContextAttribute(name, (String) values[i]);
            // JSON null: an absent attribute (JSON format, 3.1); the SDK stored the text of its tree node, "null".
            default -> {
            }
        }
    }

    private CloudEventData data(int at, String contentType) {
        if (JsonData.declaresJson(contentType)) {
            if (dataStart < 0) {
                throw new IllegalStateException("the data's place in the body is unknown");
            }
            return BytesCloudEventData.wrap(Arrays.copyOfRange(body, dataStart, dataEnd));
        }
        requireType(at, JsonToken.VALUE_STRING, "Because content type is not a json, only a string is accepted as data");
        return BytesCloudEventData.wrap(((String) values[at]).getBytes(StandardCharsets.UTF_8));
    }

    private CloudEventData base64(int at) {
        requireType(at, JsonToken.VALUE_STRING, null);
        return BytesCloudEventData.wrap(SdkJsonRules.base64((String) values[at]));
    }

    private String requiredString(String name) {
        String value = optionalString(name);
        if (value == null) {
            throw new IllegalArgumentException("Missing mandatory " + name + " attribute");
        }
        return value;
    }

    /** @return the member's string, or null if it is absent or JSON null; takes the member */
    private String optionalString(String name) {
        int at = find(name);
        if (at < 0 || tokens[take(at)] == JsonToken.VALUE_NULL) {
            return null;
        }
        requireType(at, JsonToken.VALUE_STRING, null);
        return (String) values[at];
    }

    private void requireType(int at, JsonToken expected, String detail) {
        if (tokens[at] != expected) {
            throw new IllegalArgumentException("Wrong type " + SdkJsonRules.nodeType(tokens[at]) + " for attribute "
                    + names[at] + ", expecting " + SdkJsonRules.nodeType(expected) + (detail == null ? "" : ". " + detail));
        }
    }

    /** @return the position of the member not yet taken with that name, or -1 */
    private int find(String name) {
        int hash = name.hashCode();
        for (int i = 0; i < count; i++) {
            if (hashes[i] == hash && !taken[i] && names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private int take(int at) {
        taken[at] = true;
        return at;
    }
}
