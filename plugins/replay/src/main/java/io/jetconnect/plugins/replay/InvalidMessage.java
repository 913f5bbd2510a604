package io.jetconnect.plugins.replay;

/**
 * A stream message that is not a CloudEvent in the NATS binding. Carries the reason as a short tag for the
 * {@code jetconnect.source.invalid} counter and a printable description without the message's content.
 */
final class InvalidMessage extends Exception {

    private static final long serialVersionUID = 1L;

    /** Structured mode whose body is not an event in the JSON format. */
    static final String STRUCTURED = "structured";
    /** Binary mode whose {@code ce-} headers do not make an event. */
    static final String BINARY = "binary";
    /** An event format other than JSON, or the batch format, which the NATS binding does not carry. */
    static final String FORMAT = "format";

    private final String reason;

    InvalidMessage(String reason, String description) {
        super(description, null, false, false);
        this.reason = reason;
    }

    /** @return one of {@link #STRUCTURED}, {@link #BINARY}, {@link #FORMAT} */
    String reason() {
        return reason;
    }
}
