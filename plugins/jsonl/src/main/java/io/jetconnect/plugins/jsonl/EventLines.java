package io.jetconnect.plugins.jsonl;

import io.cloudevents.CloudEvent;
import io.jetconnect.nats.StructuredJson;

/**
 * Encodes an event as one line of JSON: the host's one writer of the JSON event format ({@link StructuredJson}:
 * data as a JSON value only when it is declared JSON and is one value, so no event's data can add members to the
 * line), which escapes every line break inside strings, followed by {@code \n}. Thread-safe.
 */
final class EventLines {

    /**
     * @return the line, newline included
     * @throws RuntimeException if the event cannot be written
     */
    byte[] encode(CloudEvent event) {
        byte[] json = StructuredJson.write(event);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }
}
