package io.jetconnect.plugins.sign;

/** A key file that cannot be used. The message says why, never what the file holds. */
final class KeyFileException extends Exception {

    private static final long serialVersionUID = 1L;

    KeyFileException(String message) {
        super(message);
    }
}
