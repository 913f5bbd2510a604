package io.jetconnect.plugins.jetstream;

import io.cloudevents.CloudEvent;
import io.jetconnect.nats.EventTenant;
import io.jetconnect.spi.JetconnectException;
import java.util.ArrayList;
import java.util.List;

/**
 * A subject such as {@code cellos.events.{tenantId}.v1}, parsed once at {@code open()} and resolved per event.
 *
 * <p>{@code {tenantId}} is the event's tenant as {@link EventTenant} reads it (the top-level {@code tenantId} of
 * its JSON data, or {@code single} when there is none), the rule the http source authorises ingest by. The data is
 * only looked at when the template uses the placeholder. A tenant id that is not exactly one subject token (empty,
 * or with {@code .}, {@code *}, {@code >}, whitespace, a control or any other non-printable character) makes
 * resolution fail with a permanent {@link JetconnectException}: the event is never routed to a subject other than
 * the one its tenant names. Thread-safe; the only state is the last subject resolved.
 */
final class SubjectTemplate {

    static final String TENANT_PLACEHOLDER = EventTenant.FIELD;

    private final String template;
    /** The template without placeholders, when it has none. */
    private final String constant;
    /** Literal text around each placeholder: {@code parts.length == placeholders + 1}. */
    private final String[] parts;
    /**
     * The last tenant's subject: a pipeline's events mostly come from one tenant or a few in a row, and every event
     * built and checked its subject anew, one more string that the sink's window then keeps until 256 events passed.
     */
    private volatile Resolved last;

    private record Resolved(String tenantId, String subject) {
    }

    private SubjectTemplate(String template, String constant, String[] parts) {
        this.template = template;
        this.constant = constant;
        this.parts = parts;
    }

    /**
     * @param template the configured subject
     * @return the parsed template
     * @throws IllegalArgumentException saying what is wrong, without repeating the value
     */
    static SubjectTemplate parse(String template) {
        if (template == null || template.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("has a '{' without a closing '}'");
                }
                String name = template.substring(i + 1, end);
                if (!name.equals(TENANT_PLACEHOLDER)) {
                    throw new IllegalArgumentException("uses the placeholder {" + name
                            + "}; the only placeholder is {" + TENANT_PLACEHOLDER + "}");
                }
                parts.add(literal.toString());
                literal.setLength(0);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("has a '}' without an opening '{'");
            } else {
                literal.append(c);
                i++;
            }
        }
        parts.add(literal.toString());
        // Check the shape with a sample tenant: every token non-empty, no wildcard, nothing unprintable.
        String sample = String.join("t", parts);
        for (String token : sample.split("\\.", -1)) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("has an empty token (a leading, trailing or doubled '.')");
            }
            String problem = tokenProblem(token);
            if (problem != null) {
                throw new IllegalArgumentException("is not a subject to publish to: a token " + problem);
            }
        }
        if (parts.size() == 1) {
            return new SubjectTemplate(template, parts.get(0), null);
        }
        return new SubjectTemplate(template, null, parts.toArray(new String[0]));
    }

    /** @return whether resolving needs the event's tenant id */
    boolean needsTenant() {
        return constant == null;
    }

    /**
     * @return the template with every token that holds a placeholder replaced by {@code *}, for checking that a
     *     stream's subjects capture it
     */
    String wildcard() {
        String sample = constant != null ? constant : String.join("\u0000", parts);
        StringBuilder out = new StringBuilder();
        for (String token : sample.split("\\.", -1)) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(token.indexOf('\u0000') >= 0 ? "*" : token);
        }
        return out.toString();
    }

    /**
     * @param event the event
     * @return its subject
     * @throws JetconnectException (permanent) if its tenant id is not one valid subject token
     */
    String resolve(CloudEvent event) {
        if (constant != null) {
            return constant;
        }
        String tenant = EventTenant.tenantOf(event);
        if (tenant == null) {
            throw new JetconnectException("the event's tenantId is an object or an array; it must be one subject "
                    + "token");
        }
        return resolve(tenant);
    }

    /**
     * @param tenantId the tenant id
     * @return the subject for that tenant
     * @throws JetconnectException (permanent) if the tenant id is not one valid subject token
     */
    String resolve(String tenantId) {
        if (constant != null) {
            return constant;
        }
        Resolved known = last;
        if (known != null && known.tenantId.equals(tenantId)) {
            return known.subject;
        }
        String subject = build(tenantId);
        last = new Resolved(tenantId, subject);
        return subject;
    }

    private String build(String tenantId) {
        String problem = tenantId.isEmpty() ? "is empty" : tokenProblem(tenantId);
        if (problem != null) {
            throw new JetconnectException("the event's tenantId " + problem + "; it must be one subject token");
        }
        if (parts.length == 2) {
            return parts[0] + tenantId + parts[1];
        }
        StringBuilder out = new StringBuilder(template.length() + parts.length * tenantId.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(tenantId);
            }
            out.append(parts[i]);
        }
        return out.toString();
    }

    /**
     * @param token a non-empty subject token
     * @return what makes it unusable as one token of a subject to publish to, or null if nothing does
     */
    static String tokenProblem(String token) {
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            if (cp == '.') {
                return "contains '.'";
            }
            if (cp == '*' || cp == '>') {
                return "contains a wildcard ('*' or '>')";
            }
            if (cp < 0x21 || cp == 0x7f) {
                return cp == ' ' ? "contains whitespace" : "contains a control character";
            }
            if (cp > 0x7f && !printable(cp)) {
                return "contains whitespace or a non-printable character";
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    private static boolean printable(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE: // an unpaired half of a surrogate pair
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    @Override
    public String toString() {
        return template;
    }
}
