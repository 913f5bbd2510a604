package io.jetconnect.plugins.sign;

/** Arguments or inputs that {@code verify} cannot start with; exit code 2. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
