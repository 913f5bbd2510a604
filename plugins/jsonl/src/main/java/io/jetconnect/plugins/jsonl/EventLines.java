package io.jetconnect.plugins.jsonl;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;

/**
 * Encodes an event as one line of JSON: the SDK's JSON event format ({@link JsonFormat}), which escapes every line
 * break inside strings, followed by {@code \n}. Thread-safe.
 */
final class EventLines {

    private final JsonFormat format = new JsonFormat();

    /**
     * @return the line, newline included
     * @throws io.cloudevents.core.format.EventSerializationException if the SDK cannot serialize the event
     */
    byte[] encode(CloudEvent event) {
        byte[] json = format.serialize(event);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }
}
