package io.jetconnect.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import java.io.IOException;

/**
 * The tenant an event is stored under: the first top-level {@code tenantId} of its data when the
 * {@code datacontenttype} is absent, {@code application/json}, {@code text/json} or {@code application|text/...+json};
 * its text when it is a scalar; {@code single} when there is none, it is null, or the data is no JSON object. The
 * jetstream sink resolves {@code {tenantId}} in a subject by it, and the http source authorises ingest (and fills a
 * missing tenant in) by it: one rule in one place, since a request that passed the check with one tenant must never
 * be stored under another.
 *
 * <p>The data is read with Jackson's streaming parser, which stops at the field: no tree is built, and the rest of
 * the data is not looked at. Stateless and thread-safe.
 */
public final class EventTenant {

    /** The data's member that names the tenant. */
    public static final String FIELD = "tenantId";
    /** The tenant of an event whose data names none. */
    public static final String SINGLE = "single";

    /**
     * Keeps field-name canonicalization on: without it Jackson parses bytes through a {@code Reader}, decoding the
     * whole input into chars first. The field is matched by its bytes ({@code nextFieldName}).
     */
    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializedString TENANT_FIELD = new SerializedString(FIELD);
    private static final Reading NOT_FILLABLE = new NotFillable();
    private static final Reading NOT_SCALAR = new NotScalar();
    private static final Reading NO_DATA = new Fillable(-1, 0);

    /** What the data holds where the tenant is looked for. */
    public sealed interface Reading permits Named, Fillable, NotFillable, NotScalar {

        /** @return the tenant the event is stored under ({@link #SINGLE} when none), or null when it is refused */
        String tenant();
    }

    /** A scalar {@code tenantId}, as text (not checked to be a valid subject token). */
    public record Named(String tenant) implements Reading {
    }

    /**
     * No tenant, and a place to write one into the data's bytes: at {@code at}, replacing {@code replace} bytes (a
     * {@code null} value) or none (right after the object's opening brace); {@code at < 0}: the event has no data.
     * Written there, a tenant is the first one this reader finds, whatever follows.
     */
    public record Fillable(int at, int replace) implements Reading {

        @Override
        public String tenant() {
            return SINGLE;
        }
    }

    /** No tenant and no JSON object whose bytes could take one: the event is stored under {@link #SINGLE}. */
    public record NotFillable() implements Reading {

        @Override
        public String tenant() {
            return SINGLE;
        }
    }

    /** A {@code tenantId} that is an object or an array: no tenant at all, the event is refused. */
    public record NotScalar() implements Reading {

        @Override
        public String tenant() {
            return null;
        }
    }

    private EventTenant() {
    }

    /**
     * @param event the event
     * @return where its tenant is; for data held as a JSON tree ({@link JsonCloudEventData}) read from the tree,
     *     which has no bytes to write at: {@link NotFillable} when it names no tenant
     */
    public static Reading read(CloudEvent event) {
        if (!isJson(event.getDataContentType())) {
            return NOT_FILLABLE;
        }
        CloudEventData data = event.getData();
        if (data == null) {
            return NO_DATA;
        }
        if (data instanceof JsonCloudEventData tree) {
            return read(tree.getNode());
        }
        return read(data.toBytes());
    }

    /**
     * @param json data that is JSON by its content type
     * @return where its tenant is; {@link NotFillable} also for bytes Jackson decodes as UTF-16 or UTF-32, which
     *     give no byte offsets
     */
    public static Reading read(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return NOT_FILLABLE;
            }
            long open = parser.currentTokenLocation().getByteOffset();
            if (open < 0) {
                return NOT_FILLABLE;
            }
            while (true) {
                if (parser.nextFieldName(TENANT_FIELD)) {
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_NULL) {
                        long at = parser.currentTokenLocation().getByteOffset();
                        return at < 0 ? NOT_FILLABLE : new Fillable((int) at, 4);
                    }
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        return NOT_SCALAR;
                    }
                    return new Named(parser.getText());
                }
                if (parser.currentToken() != JsonToken.FIELD_NAME) {
                    // The end of the object, or malformed input after it started: no tenant either way.
                    return parser.currentToken() == JsonToken.END_OBJECT ? new Fillable((int) open + 1, 0)
                            : NOT_FILLABLE;
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (IOException notJson) {
            return NOT_FILLABLE;
        }
    }

    private static Reading read(JsonNode node) {
        JsonNode tenant = node == null || !node.isObject() ? null : node.get(FIELD);
        if (tenant == null || tenant.isNull()) {
            return NOT_FILLABLE;
        }
        return tenant.isContainerNode() ? NOT_SCALAR : new Named(tenant.asText());
    }

    /**
     * @param event the event
     * @return the tenant it is stored under ({@link #SINGLE} when none), or null when its {@code tenantId} is an
     *     object or an array
     */
    public static String tenantOf(CloudEvent event) {
        return read(event).tenant();
    }

    /**
     * @param contentType a {@code datacontenttype}; may be null
     * @return whether it says JSON: absent, {@code application/json}, {@code text/json} or a {@code +json} subtype
     *     of either, in any case, with or without parameters
     */
    public static boolean isJson(String contentType) {
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
