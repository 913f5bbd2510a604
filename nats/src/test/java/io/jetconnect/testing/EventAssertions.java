package io.jetconnect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudevents.CloudEvent;

/** Checks on CloudEvents that the tests of several modules make. */
public final class EventAssertions {

    private EventAssertions() {
    }

    /**
     * Checks that {@code actual} carries every context attribute of {@code expected}: the required and optional
     * ones, and the same extensions with equal values. The data is the caller's to compare (it may be re-encoded or
     * changed on purpose).
     */
    public static void assertSameAttributes(CloudEvent expected, CloudEvent actual) {
        assertEquals(expected.getSpecVersion(), actual.getSpecVersion(), "specversion");
        assertEquals(expected.getId(), actual.getId(), "id");
        assertEquals(expected.getSource(), actual.getSource(), "source");
        assertEquals(expected.getType(), actual.getType(), "type");
        assertEquals(expected.getSubject(), actual.getSubject(), "subject");
        assertEquals(expected.getTime(), actual.getTime(), "time");
        assertEquals(expected.getDataSchema(), actual.getDataSchema(), "dataschema");
        assertEquals(expected.getDataContentType(), actual.getDataContentType(), "datacontenttype");
        assertEquals(expected.getExtensionNames(), actual.getExtensionNames(), "extension names");
        for (String name : expected.getExtensionNames()) {
            assertEquals(expected.getExtension(name), actual.getExtension(name), name);
        }
    }
}
