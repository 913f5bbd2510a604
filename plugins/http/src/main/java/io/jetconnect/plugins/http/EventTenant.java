package io.jetconnect.plugins.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The tenant an event will be stored under, read by the very rule the jetstream sink's {@code SubjectTemplate}
 * resolves {@code {tenantId}} with ({@code tenantOf}, {@code parseTenant}, {@code isJson}): the first top-level
 * {@code tenantId} of the data when the {@code datacontenttype} is absent, {@code application/json},
 * {@code text/json} or {@code application|text/...+json}; its text when it is a scalar; {@code single} when there is
 * none, it is null, or the data is no JSON object. Authorising any other reading would let a request pass the check
 * with one tenant and be stored under another. The sink lives in another plugin, so the rule is repeated here;
 * {@code EventTenantTest} pins the cases in which the two must agree, and the jetstream plugin's {@code TenantRuleTest}
 * the same cases on its side.
 *
 * <p>Also fills a missing tenant in: written as the data's first member (or over a {@code null} value), where the
 * sink's peek, which stops at the first {@code tenantId}, finds it whatever follows. Stateless and thread-safe.
 */
final class EventTenant {

    static final String FIELD = "tenantId";
    static final String SINGLE = "single";

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializedString TENANT_FIELD = new SerializedString(FIELD);

    /** What the data holds where the sink looks for a tenant. */
    sealed interface Reading permits Named, Fillable, NotFillable, NotScalar {
    }

    /** A scalar {@code tenantId}, as text. */
    record Named(String tenant) implements Reading {
    }

    /**
     * No tenant, and a place to write one: at {@code at}, replacing {@code replace} bytes ({@code null}) or none
     * (right after the object's opening brace; {@code at < 0}: the event has no data).
     */
    record Fillable(int at, int replace) implements Reading {
    }

    /** No tenant and no JSON object to write one into: the sink stores the event under {@code single}. */
    record NotFillable() implements Reading {
    }

    /** A {@code tenantId} that is an object or an array: the sink refuses the event. */
    record NotScalar() implements Reading {
    }

    private EventTenant() {
    }

    /**
     * @return the tenant the sink would store {@code event} under ({@code single} when none), or null when its
     *     {@code tenantId} is an object or an array
     */
    static String tenantOf(CloudEvent event) {
        Reading reading = read(event);
        if (reading instanceof Named named) {
            return named.tenant();
        }
        return reading instanceof NotScalar ? null : SINGLE;
    }

    static Reading read(CloudEvent event) {
        if (!isJson(event.getDataContentType())) {
            return new NotFillable();
        }
        CloudEventData data = event.getData();
        if (data == null) {
            return new Fillable(-1, 0);
        }
        return read(data.toBytes());
    }

    static Reading read(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new NotFillable();
            }
            int open = (int) parser.currentTokenLocation().getByteOffset();
            if (open < 0) {
                // Jackson decoded UTF-16 or UTF-32: no byte offsets to write at.
                return new NotFillable();
            }
            while (true) {
                if (parser.nextFieldName(TENANT_FIELD)) {
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_NULL) {
                        long at = parser.currentTokenLocation().getByteOffset();
                        return at < 0 ? new NotFillable() : new Fillable((int) at, 4);
                    }
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        return new NotScalar();
                    }
                    return new Named(parser.getText());
                }
                if (parser.currentToken() != JsonToken.FIELD_NAME) {
                    // The end of the object, or malformed input: the sink reads "single" either way.
                    return parser.currentToken() == JsonToken.END_OBJECT ? new Fillable(open + 1, 0)
                            : new NotFillable();
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (IOException notJson) {
            return new NotFillable();
        }
    }

    /**
     * @param event an event whose reading is {@code fillable}
     * @param fillable where to write
     * @param tenant the tenant to write, one valid subject token
     * @return a copy of the event whose data names {@code tenant}
     */
    static CloudEvent fill(CloudEvent event, Fillable fillable, String tenant) {
        byte[] quoted = quoted(tenant);
        byte[] data;
        if (fillable.at() < 0) {
            data = concat(bytes("{"), bytes("\"" + FIELD + "\":"), quoted, bytes("}"));
        } else {
            byte[] old = event.getData().toBytes();
            boolean empty = fillable.replace() == 0 && firstAfterWhitespace(old, fillable.at()) == '}';
            byte[] inserted = fillable.replace() > 0 ? quoted
                    : concat(bytes("\"" + FIELD + "\":"), quoted, bytes(empty ? "" : ","));
            ByteArrayOutputStream out = new ByteArrayOutputStream(old.length + inserted.length);
            out.write(old, 0, fillable.at());
            out.writeBytes(inserted);
            int resume = fillable.at() + fillable.replace();
            out.write(old, resume, old.length - resume);
            data = out.toByteArray();
        }
        return CloudEventBuilder.from(event).withData(BytesCloudEventData.wrap(data)).build();
    }

    private static int firstAfterWhitespace(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
        }
        return -1;
    }

    private static byte[] quoted(String text) {
        return concat(bytes("\""), JsonStringEncoder.getInstance().quoteAsUTF8(text), bytes("\""));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The jetstream sink's {@code SubjectTemplate.isJson}, character for character in effect. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        int end = contentType.indexOf(';');
        if (end < 0) {
            end = contentType.length();
        }
        while (end > 0 && contentType.charAt(end - 1) == ' ') {
            end--;
        }
        int slash = contentType.indexOf('/');
        if (slash < 0 || slash > end) {
            return false;
        }
        boolean typeOk = contentType.regionMatches(true, 0, "application", 0, slash) && slash == 11
                || contentType.regionMatches(true, 0, "text", 0, slash) && slash == 4;
        if (!typeOk) {
            return false;
        }
        int subtypeLength = end - slash - 1;
        return subtypeLength == 4 && contentType.regionMatches(true, slash + 1, "json", 0, 4)
                || subtypeLength > 5 && contentType.regionMatches(true, end - 5, "+json", 0, 5);
    }
}
