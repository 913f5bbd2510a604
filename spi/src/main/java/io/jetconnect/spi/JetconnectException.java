package io.jetconnect.spi;

/**
 * The root of jetconnect's unchecked exceptions. Thrown or used to complete a stage exceptionally, it means the
 * failure is <em>permanent</em> for the event or operation at hand: trying the same thing again will fail again.
 * See {@link RetriableException} for the other kind.
 *
 * <p>Messages must never contain secrets (credentials, tokens, keys, URL userinfo).
 */
public class JetconnectException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a permanent failure.
     *
     * @param message what went wrong, without secrets
     */
    public JetconnectException(String message) {
        super(message);
    }

    /**
     * Creates a permanent failure, with its cause.
     *
     * @param message what went wrong, without secrets
     * @param cause the underlying failure; may be null
     */
    public JetconnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
