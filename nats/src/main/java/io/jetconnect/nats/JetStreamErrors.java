package io.jetconnect.nats;

/**
 * The JetStream API error codes ({@code JetStreamApiException.getApiErrorCode()}) jetconnect decides on. jnats
 * has no constants for them; the values are the server's ({@code server/errors.json}).
 */
public final class JetStreamErrors {

    /** {@code JSStreamNotFoundErr}: the stream does not exist. */
    public static final int STREAM_NOT_FOUND = 10059;
    /** {@code JSConsumerNotFoundErr}: the consumer does not exist. */
    public static final int CONSUMER_NOT_FOUND = 10014;
    /**
     * {@code JSStreamWrongLastSequenceErrF}: a write that expected another last sequence of its subject (a KV
     * {@code create} of a key that exists, an {@code update} on a revision that is no longer the last).
     */
    public static final int WRONG_LAST_SEQUENCE = 10071;

    private JetStreamErrors() {
    }
}
