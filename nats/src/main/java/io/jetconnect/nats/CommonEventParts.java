package io.jetconnect.nats;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.v1.CloudEventBuilder;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * What the fast structured readers gather, member by member, and the rule of the common shape: a 1.0 event whose
 * members other than {@code data} are all strings, each appearing once, with no {@code data_base64}, and whose
 * data (if any) is not {@code null} and comes under no content type or one the SDK takes for JSON. For these the
 * SDK's reader gives exactly what this builds: the attributes through the same builder, the data as the bytes of
 * its value (which {@link StructuredReader} puts in place of the SDK's tree anyway). One per document.
 */
final class CommonEventParts {


    private static final String JSON_TYPE = "application/json";
    private static final int MOST_MEMBERS = 32;
    /** Immutable, so that any thread may read what any other wrote. */
    private static volatile ParsedSource lastSource;

    private record ParsedSource(String text, URI uri) {
    }

    private final CloudEventBuilder builder = new CloudEventBuilder();
    private final String[] seen = new String[MOST_MEMBERS];
    private int members;
    private boolean v1;
    private String contentType;
    private byte[] data;

    /** @return whether the member may follow those before it: not repeated, not too many */
    boolean member(String name) {
        if (members == MOST_MEMBERS) {
            return false;
        }
        for (int i = 0; i < members; i++) {
            if (seen[i].equals(name)) {
                return false;
            }
        }
        seen[members++] = name;
        return true;
    }

    /**
     * @return whether the document stays of the common shape
     * @throws RuntimeException if the builder refuses the value (the SDK's reader then says why)
     */
    boolean attribute(String name, String text) throws URISyntaxException {
        switch (name) {
            case "specversion" -> {
                v1 = text.equals("1.0");
                return v1;
            }
            case "data_base64" -> {
                return false;
            }
            case "source" -> builder.withContextAttribute(name, source(text));
            default -> {
                if (name.equals("datacontenttype")) {
                    contentType = text;
                }
                builder.withContextAttribute(name, text);
            }
        }
        return true;
    }

    /** @param value the bytes of the data member's value as written, not {@code null} */
    void data(byte[] value) {
        data = value;
    }

    /**
     * @return the event, or null when the document is not of the common shape after all
     * @throws RuntimeException if the builder refuses the event (a required attribute missing)
     */
    CloudEvent build() {
        if (!v1) {
            return null;
        }
        if (data != null) {
            if (contentType != null && !contentType.equals(JSON_TYPE) && !sdkJson(contentType)) {
                return null;
            }
            builder.withData(data);
        }
        return builder.build();
    }

    /**
     * The SDK's own test for JSON data ({@code JsonFormat.dataIsJsonContentType}: {@code
     * ^(application|text)/([a-zA-Z]+\+)?json(;.*)*$}), written out in one linear pass: the pattern backtracks for
     * seconds on a long run of {@code ;} followed by a line break, which anyone who can publish to a stream could
     * send.
     */
    static boolean sdkJson(String type) {
        int at;
        if (type.startsWith("application/")) {
            at = "application/".length();
        } else if (type.startsWith("text/")) {
            at = "text/".length();
        } else {
            return false;
        }
        int letters = at;
        while (letters < type.length() && isAsciiLetter(type.charAt(letters))) {
            letters++;
        }
        if (letters > at && letters < type.length() && type.charAt(letters) == '+') {
            at = letters + 1;
        }
        if (!type.startsWith("json", at)) {
            return false;
        }
        at += "json".length();
        if (at == type.length()) {
            return true;
        }
        // (;.*)*: a ';' and then anything but the line terminators '.' does not match.
        if (type.charAt(at) != ';') {
            return false;
        }
        for (int i = at; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** @return the source as a URI, parsed once for a run of events from the same source (the usual stream) */
    private static URI source(String text) throws URISyntaxException {
        ParsedSource last = lastSource;
        if (last != null && last.text.equals(text)) {
            return last.uri;
        }
        // What the builder does with a source given as a string; a bad one fails this read, and the SDK's says why.
        URI uri = new URI(text);
        lastSource = new ParsedSource(text, uri);
        return uri;
    }
}
