package io.jetconnect.spi;

/**
 * A failure that may go away if the same operation is tried again later: the broker is unreachable, a circuit is
 * open, an acknowledgement timed out. The runtime (or a {@code dlq} decorator) decides whether and when to retry.
 */
public class RetriableException extends JetconnectException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a failure that may go away.
     *
     * @param message what went wrong, without secrets
     */
    public RetriableException(String message) {
        super(message);
    }

    /**
     * Creates a failure that may go away, with its cause.
     *
     * @param message what went wrong, without secrets
     * @param cause the underlying failure; may be null
     */
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
