package io.jetconnect.bench;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The events every case sends: JSON data with a {@code tenantId} (the subject template's key) and a filler string
 * sized so that the event in the CloudEvents JSON format, the form the stream stores, takes {@code size} bytes.
 * The data holds nothing for {@code redact} to remove, the common case; it still parses and scans all of it.
 *
 * <p>Ids have a fixed width ({@value #ID_DIGITS} digits after a short prefix), so that every event of a case has
 * the same size and an HTTP batch body can be reused with its ids rewritten in place.
 */
final class BenchEvents {

    static final String TENANT = "acme";
    static final URI SOURCE = URI.create("/jetconnect/bench");
    static final String TYPE = "io.jetconnect.bench.measured";
    static final String DATA_CONTENT_TYPE = "application/json";
    static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;
    static final int ID_DIGITS = 12;

    private static final JsonFormat FORMAT = new JsonFormat();

    private final int size;
    private final byte[] data;

    BenchEvents(int size) {
        this.size = size;
        byte[] empty = data(0);
        int overhead = FORMAT.serialize(build(id("x", 0), empty)).length;
        this.data = data(Math.max(0, size - overhead));
    }

    /** @return the subject the {@code jetstream} sink publishes the bench's events to under a prefix */
    static String subject(String prefix) {
        return prefix + "." + TENANT + ".v1";
    }

    private static byte[] data(int filler) {
        String json = "{\"tenantId\":\"" + TENANT + "\",\"kind\":\"measurement\",\"unit\":\"ms\",\"value\":42,"
                + "\"payload\":\"" + "x".repeat(filler) + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the requested size of an event */
    int size() {
        return size;
    }

    /** @return the actual size of an event in the CloudEvents JSON format */
    int structuredSize() {
        return FORMAT.serialize(event(id("x", 0))).length;
    }

    /** @return an id of fixed width: the prefix (at most 8 characters) and a zero-padded number */
    static String id(String prefix, long n) {
        String digits = Long.toString(n);
        StringBuilder out = new StringBuilder(prefix.length() + 1 + ID_DIGITS).append(prefix).append('-');
        for (int i = digits.length(); i < ID_DIGITS; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }

    /** @return a new event, built as a source that decodes events builds one: attributes and the data bytes */
    CloudEvent event(String id) {
        return build(id, data);
    }

    private static CloudEvent build(String id, byte[] data) {
        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(SOURCE)
                .withType(TYPE)
                .withData(DATA_CONTENT_TYPE, data)
                .build();
    }

    /** @return the event in the CloudEvents JSON format */
    static byte[] structured(CloudEvent event) {
        return FORMAT.serialize(event);
    }
}
