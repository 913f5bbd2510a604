package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cloudevents.SpecVersion;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * What the CloudEvents SDK's JSON deserializer (cloudevents-json-jackson 4.0.1) does that it does not expose, for
 * {@link EventMembers} to do the same: which attributes it reads in which order, how it reads a source and
 * {@code data_base64}, how it names a JSON type in its messages. The source is cached, since a producer's events
 * mostly share it. (When data is JSON is not the SDK's rule but the JSON format's: {@link JsonData#declaresJson}.)
 */
final class SdkJsonRules {

    // The SDK iterates the sets of SpecVersion; their order, taken once, instead of iterating them for every event.
    private static final String[] MANDATORY_V1 = read(SpecVersion.V1.getMandatoryAttributes());
    private static final String[] OPTIONAL_V1 = read(SpecVersion.V1.getOptionalAttributes());
    private static final String[] MANDATORY_V03 = read(SpecVersion.V03.getMandatoryAttributes());
    private static final String[] OPTIONAL_V03 = read(SpecVersion.V03.getOptionalAttributes());

    private static volatile Source lastSource = new Source("/", URI.create("/"));

    private record Source(String text, URI uri) {
    }

    private SdkJsonRules() {
    }

    /** @return the names of a version's attribute set in its iteration order, less the two the SDK reads apart */
    private static String[] read(Set<String> attributes) {
        return attributes.stream().filter(n -> !n.equals("specversion") && !n.equals("datacontentencoding"))
                .toArray(String[]::new);
    }

    /** @return the required attributes but specversion, in the order the SDK reads them */
    static String[] mandatory(SpecVersion version) {
        return version == SpecVersion.V1 ? MANDATORY_V1 : MANDATORY_V03;
    }

    /** @return the optional attributes but datacontentencoding, in the order the SDK reads them */
    static String[] optional(SpecVersion version) {
        return version == SpecVersion.V1 ? OPTIONAL_V1 : OPTIONAL_V03;
    }

    /**
     * @return the source, as the builders' {@code withContextAttribute("source", text)} reads it
     * @throws CloudEventRWException as they do, if the text is not a URI-reference
     */
    static URI source(String text) {
        Source last = lastSource;
        if (!last.text().equals(text)) {
            try {
                last = new Source(text, new URI(text));
            } catch (URISyntaxException e) {
                throw CloudEventRWException.newInvalidAttributeValue("source", text, e);
            }
            lastSource = last;
        }
        return last.uri();
    }

    /**
     * @return {@code data_base64} decoded as the SDK decodes a tree's text node: Jackson's default variant, padding
     *     required, the text trimmed first
     * @throws IllegalArgumentException with Jackson's message, if it is not base64
     */
    static byte[] base64(String text) {
        try {
            return TextNode.valueOf(text).binaryValue();
        } catch (IOException e) {
            throw new IllegalArgumentException(e instanceof JsonProcessingException json ? json.getOriginalMessage()
                    : e.getMessage(), e);
        }
    }

    /** @return the name of Jackson's {@code JsonNodeType} for a value starting with this token, as the SDK says it */
    static String nodeType(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "OBJECT";
            case START_ARRAY -> "ARRAY";
            case VALUE_STRING -> "STRING";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
            case VALUE_NULL -> "NULL";
            default -> token.name();
        };
    }
}
