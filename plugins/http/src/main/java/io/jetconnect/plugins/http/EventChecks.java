package io.jetconnect.plugins.http;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;

/**
 * The checks of the CloudEvents spec that the SDK's readers leave out: {@code id}, {@code source} and {@code type}
 * must be non-empty strings (the SDK only requires them present), and so must {@code subject}, {@code dataschema}
 * (0.3: {@code schemaurl}) and {@code datacontenttype} when present (spec 3.1.2: "if present, MUST be a non-empty
 * string", or a non-empty URI and an RFC 2046 media type, neither of which can be empty).
 */
final class EventChecks {

    private EventChecks() {
    }

    /** @throws RequestRejection a 400 for the event at {@code index} if a required attribute is empty */
    static void requireNonEmpty(CloudEvent event, int index) {
        if (event.getId().isEmpty()) {
            throw RequestRejection.invalid("attribute id must not be empty", index);
        }
        if (event.getSource().toString().isEmpty()) {
            throw RequestRejection.invalid("attribute source must not be empty", index);
        }
        if (event.getType().isEmpty()) {
            throw RequestRejection.invalid("attribute type must not be empty", index);
        }
        requireNonEmptyIfPresent(event.getSubject(), "subject", index);
        requireNonEmptyIfPresent(event.getDataContentType(), "datacontenttype", index);
        if (event.getDataSchema() != null) {
            requireNonEmptyIfPresent(event.getDataSchema().toString(),
                    event.getSpecVersion() == SpecVersion.V03 ? "schemaurl" : "dataschema", index);
        }
    }

    private static void requireNonEmptyIfPresent(String value, String name, int index) {
        if (value != null && value.isEmpty()) {
            throw RequestRejection.invalid(emptyMessage(name), index);
        }
    }

    static String emptyMessage(String name) {
        return "attribute " + name + " must not be empty when present";
    }
}
