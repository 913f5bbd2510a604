package io.jetconnect.plugins.dlq;

import io.jetconnect.spi.JetconnectException;
import io.jetconnect.spi.RetriableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Reads the outcome of the wrapped sink's stages the way the SPI defines it: a {@link RetriableException} may go
 * away, anything else is permanent. Describes failures for the log without event data: our own exceptions carry
 * no secrets and keep their message; others are named by class only.
 */
final class Outcomes {

    private Outcomes() {
    }

    /** @return the failure inside the wrappers a stage may add */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean retriable(Throwable cause) {
        return cause instanceof RetriableException;
    }

    /** @return the failure's description for the log */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        if (error instanceof JetconnectException) {
            return error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        return error.getClass().getName();
    }
}
