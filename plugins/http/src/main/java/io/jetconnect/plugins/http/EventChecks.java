package io.jetconnect.plugins.http;

import io.cloudevents.CloudEvent;

/**
 * The checks of the CloudEvents spec that the SDK's readers leave out: {@code id}, {@code source} and {@code type}
 * must be non-empty strings (the SDK only requires them present).
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
    }
}
