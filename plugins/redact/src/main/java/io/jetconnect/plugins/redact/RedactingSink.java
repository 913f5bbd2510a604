package io.jetconnect.plugins.redact;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.jetconnect.spi.EventSink;
import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.PluginMetrics;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The layer {@link RedactDecorator} builds: redacts each event's JSON data and extension attributes, then hands
 * the result to the next sink and passes that sink's outcome through untouched. An event with nothing to redact
 * is passed on as the same instance; otherwise a copy is built with {@link CloudEventBuilder#from}.
 *
 * <p>Data whose content type claims JSON but that is not well-formed JSON fails permanently with a
 * {@link JetconnectException} (counted as {@code jetconnect.redact.rejected}) and never reaches the next sink.
 * Stateless per event and thread-safe.
 */
final class RedactingSink implements EventSink {

    private final RedactRules rules;
    private final JsonRedactor json;
    private final EventSink next;
    private final PluginMetrics.Counter values;
    private final PluginMetrics.Counter skippedNonJson;
    private final PluginMetrics.Counter rejectedMalformed;

    RedactingSink(RedactRules rules, EventSink next, PluginMetrics metrics) {
        this.rules = rules;
        this.json = rules.jsonRedactor();
        this.next = next;
        this.values = metrics.counter("jetconnect.redact.values",
                "Values redacted: data values and extension attributes replaced or rewritten");
        this.skippedNonJson = metrics.counter("jetconnect.redact.skipped",
                "Events whose data was passed on without inspection", "reason", "non-json");
        this.rejectedMalformed = metrics.counter("jetconnect.redact.rejected",
                "Events failed because their data claims to be JSON but is not", "reason", "malformed");
    }

    @Override
    public CompletionStage<Void> emit(CloudEvent event) {
        CloudEvent redacted;
        try {
            redacted = redact(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return next.emit(redacted);
    }

    CloudEvent redact(CloudEvent event) {
        int count = 0;
        byte[] data = null;
        CloudEventData eventData = event.getData();
        if (eventData != null) {
            byte[] bytes = eventData.toBytes();
            if (isJson(event.getDataContentType(), bytes)) {
                JsonRedactor.Outcome outcome;
                try {
                    outcome = json.redact(bytes);
                } catch (JsonRedactor.Malformed e) {
                    rejectedMalformed.increment();
                    throw new JetconnectException("redact: event " + event.getId() + ": data with content type "
                            + (event.getDataContentType() == null ? "(absent)" : event.getDataContentType())
                            + " is " + e.getMessage() + "; refusing to pass it on unredacted");
                }
                if (outcome.changed()) {
                    data = outcome.data();
                    count += outcome.values();
                }
            } else {
                skippedNonJson.increment();
            }
        }
        Map<String, String> extensions = null;
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            String redacted = redactExtension(name, value);
            if (redacted != null) {
                if (extensions == null) {
                    extensions = new LinkedHashMap<>();
                }
                extensions.put(name, redacted);
                count++;
            }
        }
        if (count == 0) {
            return event;
        }
        values.increment(count);
        CloudEventBuilder builder = CloudEventBuilder.from(event);
        if (data != null) {
            builder.withData(data);
        }
        if (extensions != null) {
            extensions.forEach(builder::withExtension);
        }
        return builder.build();
    }

    /** @return the attribute's new value, or null to keep it */
    private String redactExtension(String name, Object value) {
        if (value == null) {
            return null;
        }
        Mask mask = rules.mask;
        if (rules.names.matches(name)) {
            if (value instanceof byte[] bytes) {
                return mask.apply(bytes);
            }
            String text = value.toString();
            return mask.isMasked(text) ? null : mask.apply(text);
        }
        if (value instanceof String || value instanceof URI) {
            String text = value.toString();
            String redacted = rules.patterns.redact(text, mask);
            return redacted == text ? null : redacted;
        }
        return null;
    }

    /**
     * JSON when the media type is {@code application/json}, {@code text/json} or ends in {@code +json}, parameters
     * ignored. When the content type is absent, CloudEvents' JSON format implies {@code application/json}, but
     * other bindings do not: data is then JSON if its first non-blank byte opens an object, an array or a string.
     */
    static boolean isJson(String contentType, byte[] data) {
        if (contentType == null) {
            return looksLikeJson(data);
        }
        int end = contentType.indexOf(';');
        if (end < 0) {
            end = contentType.length();
        }
        int start = 0;
        while (start < end && Character.isWhitespace(contentType.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(contentType.charAt(end - 1))) {
            end--;
        }
        int length = end - start;
        return length == 16 && contentType.regionMatches(true, start, "application/json", 0, 16)
                || length == 9 && contentType.regionMatches(true, start, "text/json", 0, 9)
                || length > 5 && contentType.regionMatches(true, end - 5, "+json", 0, 5);
    }

    private static boolean looksLikeJson(byte[] data) {
        int i = 0;
        if (data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF) {
            i = 3; // UTF-8 byte order mark
        }
        for (; i < data.length; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{' || b == '[' || b == '"';
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "redact[" + rules + "] -> " + next;
    }
}
