package io.jetconnect.plugins.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.jetconnect.nats.StructuredJson;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints stream messages for {@code jetconnect tail}, one JSON object a line, each flushed at once so that a reader
 * of a pipe sees it and an interrupt loses nothing printed: an event as
 * {@code {"stream_sequence":N,"subject":"...","event":EVENT}} (EVENT in the JSON event format, last, so that
 * {@code jq -c .event} gives the stored event back), a message that is no CloudEvent as
 * {@code {"stream_sequence":N,"subject":"...","error":"..."}}. The subject is where the stream stored the event:
 * the event itself cannot carry it.
 */
final class TailPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    TailPrinter(PrintStream out) {
        this.out = out;
    }

    void event(long sequence, String subject, CloudEvent event) {
        byte[] head;
        try {
            head = ("{\"stream_sequence\":" + sequence + ",\"subject\":" + JSON.writeValueAsString(subject)
                    + ",\"event\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serializes", e);
        }
        byte[] body = StructuredJson.write(event); // the one writer: data never becomes members
        byte[] line = new byte[head.length + body.length + 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(body, 0, line, head.length, body.length);
        line[line.length - 1] = '}';
        line(line);
    }

    void invalid(long sequence, String subject, String error) {
        invalid(sequence, subject, null, error);
    }

    /**
     * @param msgId the message's {@code Nats-Msg-Id} (the key the stream deduplicates on: by default a digest of
     *     source and id, docs/reliability.md), or null if it has none
     */
    void invalid(long sequence, String subject, String msgId, String error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream_sequence", sequence);
        fields.put("subject", subject);
        if (msgId != null) {
            fields.put("msg_id", msgId);
        }
        fields.put("error", error);
        try {
            line(JSON.writeValueAsBytes(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and a number always serializes", e);
        }
    }

    private void line(byte[] json) {
        synchronized (out) {
            out.write(json, 0, json.length);
            out.write('\n');
            out.flush();
        }
    }
}
