package io.jetconnect.distribution.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.rw.CloudEventContextWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compares an event as sent with the event as stored: every attribute and extension by its canonical string (the
 * SDK's own rendering: a binary-mode reader has only strings), and the data by its bytes, or by its JSON value
 * when the content type is JSON (a structured-mode reader holds JSON data as a tree).
 */
final class EventComparison {

    /** The extensions the {@code sign} layer adds: an event of the shipped chain differs from the sent by these. */
    static final Set<String> SIGNATURE = Set.of("sig", "sigalg", "sigkeyid");

    private static final Pattern JSON = Pattern.compile("^(application|text)/([a-zA-Z0-9.-]+\\+)?json(;.*)?$");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventComparison() {
    }

    /** @return what differs, one line each; empty when the two are the same event */
    static List<String> differences(CloudEvent sent, CloudEvent stored, Set<String> ignoredExtensions) {
        List<String> out = new ArrayList<>();
        Map<String, String> expected = attributes(sent);
        Map<String, String> actual = attributes(stored);
        actual.keySet().removeAll(ignoredExtensions);
        if (!expected.equals(actual)) {
            out.add("attributes: sent " + expected + ", stored " + actual);
        }
        byte[] want = bytes(sent);
        byte[] got = bytes(stored);
        if (want == null || got == null) {
            if (want != got) {
                out.add("data: sent " + render(want) + ", stored " + render(got));
            }
        } else if (isJson(sent.getDataContentType())) {
            try {
                if (!MAPPER.readTree(want).equals(MAPPER.readTree(got))) {
                    out.add("JSON data: sent " + render(want) + ", stored " + render(got));
                }
            } catch (IOException e) {
                out.add("JSON data stored is not JSON: " + render(got));
            }
        } else if (!Arrays.equals(want, got)) {
            out.add("data: sent " + render(want) + ", stored " + render(got));
        }
        return out;
    }

    private static boolean isJson(String contentType) {
        return contentType == null || JSON.matcher(contentType).matches();
    }

    /** @return the data's bytes; null for none (an empty body is no data in the binding's binary mode) */
    private static byte[] bytes(CloudEvent event) {
        if (event.getData() == null) {
            return null;
        }
        byte[] bytes = event.getData().toBytes();
        return bytes.length == 0 ? null : bytes;
    }

    private static String render(byte[] bytes) {
        return bytes == null ? "none" : "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    /** @return every context attribute, extensions included, as the SDK's canonical string */
    static Map<String, String> attributes(CloudEvent event) {
        Map<String, String> out = new TreeMap<>();
        out.put("specversion", event.getSpecVersion().toString());
        CloudEventUtils.toContextReader(event).readContext(new CloudEventContextWriter() {
            @Override
            public CloudEventContextWriter withContextAttribute(String name, String value) {
                out.put(name, value);
                return this;
            }
        });
        return out;
    }
}
