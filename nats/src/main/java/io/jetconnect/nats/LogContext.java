package io.jetconnect.nats;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The logging MDC of lines about a NATS connection. jnats calls listeners on threads the whole JVM shares
 * ({@link SharedClientThreads}), so a listener sets the MDC it logs with and puts back what was there: a value left
 * on such a thread would name the wrong pipeline in every later line it logs. A connection shared by pipelines
 * ({@link SharedConnections}) logs with {@value #CONNECTION} naming it, and no pipeline.
 */
final class LogContext {

    /** The MDC key naming a shared connection: its group and position, {@code jetstream-sink#0}. */
    static final String CONNECTION = "connection";

    private LogContext() {
    }

    /** @return the MDC of lines about the shared connection of that name */
    static Map<String, String> shared(String connection) {
        return Map.of(CONNECTION, connection);
    }

    /**
     * Makes {@code context} the thread's whole MDC.
     *
     * @param context the MDC to log with; null or empty for none
     * @return the MDC it replaced, for {@link #restore}
     */
    static Map<String, String> enter(Map<String, String> context) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        restore(context);
        return before;
    }

    /** Puts back an MDC {@link #enter} returned. */
    static void restore(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
