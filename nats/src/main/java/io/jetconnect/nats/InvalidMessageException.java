package io.jetconnect.nats;

/**
 * A NATS message that is not a CloudEvent in the NATS binding. Carries the reason as a short tag (for a counter's
 * label) and a printable description that quotes nothing of the message's content.
 */
public final class InvalidMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Structured mode (or no headers) whose body is not an event in the JSON format. */
    public static final String STRUCTURED = "structured";
    /** Binary mode whose {@code ce-} headers do not make an event. */
    public static final String BINARY = "binary";
    /** An event format other than JSON, or the batch format, which the NATS binding does not carry. */
    public static final String FORMAT = "format";

    private final String reason;

    InvalidMessageException(String reason, String description) {
        super(description, null, false, false);
        this.reason = reason;
    }

    /** @return one of {@link #STRUCTURED}, {@link #BINARY}, {@link #FORMAT} */
    public String reason() {
        return reason;
    }
}
