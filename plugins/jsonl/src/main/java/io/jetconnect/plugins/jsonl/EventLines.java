package io.jetconnect.plugins.jsonl;

import io.cloudevents.CloudEvent;
import io.jetconnect.nats.StructuredJson;
import io.jetconnect.spi.JetconnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

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

    /**
     * Encodes an event and hands its line to a sink's output.
     *
     * @param verb what the output does with lines, for the error: {@code write}, {@code print}
     * @param output takes the line
     * @return the output's stage; failed with a (permanent) {@link JetconnectException} naming the event if it cannot
     *     be written as JSON
     */
    CompletionStage<Void> encodeTo(CloudEvent event, String verb, Function<byte[], CompletionStage<Void>> output) {
        byte[] line;
        try {
            line = encode(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new JetconnectException("cannot " + verb + " event "
                    + event.getId() + " as JSON: " + e.getMessage(), e));
        }
        return output.apply(line);
    }
}
