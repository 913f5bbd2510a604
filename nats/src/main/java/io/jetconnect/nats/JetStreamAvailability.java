package io.jetconnect.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.util.Optional;

/**
 * Whether the server a connection reached runs JetStream. Debian's and Ubuntu's packaged {@code nats-server}
 * service does not; without this check every JetStream call times out ("Timeout or no response waiting for NATS
 * JetStream server") and nothing says why. The server's INFO says it ({@code jetstream: true}), and an account
 * without JetStream answers its API with an error code of its own.
 */
public final class JetStreamAvailability {

    /** {@code JSNotEnabledErr}: JetStream is not enabled on the server. */
    public static final int NOT_ENABLED = 10076;
    /** {@code JSNotEnabledForAccountErr}: JetStream is not enabled for the account. */
    public static final int NOT_ENABLED_FOR_ACCOUNT = 10039;

    private static final String HINT = "start nats-server with -js (Debian's packaged service does not)";

    private JetStreamAvailability() {
    }

    /**
     * @param connection an open connection
     * @param redactedUrl the URL to name, without credentials
     * @return the one line to say when the server has JetStream disabled, else empty
     */
    public static Optional<String> disabled(Connection connection, String redactedUrl) {
        if (connection.getServerInfo() != null && !connection.getServerInfo().isJetStreamAvailable()) {
            return Optional.of(message(redactedUrl));
        }
        return Optional.empty();
    }

    /** @return the line for a server without JetStream */
    public static String message(String redactedUrl) {
        return "NATS at " + redactedUrl + " has JetStream disabled; " + HINT;
    }

    /** @return the line for an API error that says JetStream is off, else empty */
    public static Optional<String> disabled(JetStreamApiException e, String redactedUrl) {
        if (e.getApiErrorCode() == NOT_ENABLED) {
            return Optional.of(message(redactedUrl));
        }
        if (e.getApiErrorCode() == NOT_ENABLED_FOR_ACCOUNT) {
            return Optional.of("NATS at " + redactedUrl + " has JetStream disabled for this account; enable it "
                    + "in the server's accounts configuration (jetstream: enabled)");
        }
        return Optional.empty();
    }

    /** @return whether a message is one of this class's */
    public static boolean isDisabledMessage(String message) {
        return message != null && message.contains(" has JetStream disabled");
    }
}
