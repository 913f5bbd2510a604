package io.jetconnect.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FatalErrorsTest {

    @Test
    void theLineNamesTheErrorTheThreadTheFrameAndTheExitCode() {
        OutOfMemoryError error = new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory");
        error.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.nio.Bits", "reserveMemory", "Bits.java", 178)});
        Thread main = new Thread(() -> { }, "main");

        String line = FatalErrors.line(main, error);

        assertEquals("jetconnect: fatal: java.lang.OutOfMemoryError: Cannot reserve 1048576 bytes of direct buffer "
                + "memory in thread main at java.nio.Bits.reserveMemory(Bits.java:178); exiting with 4; give the JVM "
                + "more memory in JETCONNECT_OPTS (-Xmx, -XX:MaxDirectMemorySize) or run fewer pipelines", line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void otherErrorsGetNoMemoryHintAndMayHaveNoMessageOrStack() {
        StackOverflowError error = new StackOverflowError();
        error.setStackTrace(new StackTraceElement[0]);

        String line = FatalErrors.line(new Thread(() -> { }, "jetconnect-p1-dlq-1"), error);

        assertEquals("jetconnect: fatal: java.lang.StackOverflowError in thread jetconnect-p1-dlq-1; exiting with 4",
                line);
        assertTrue(line.startsWith("jetconnect: fatal: "));
    }
}
