package io.jetconnect.runtime.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process when an {@link Error} (out of memory, a stack overflow, a class that cannot link) escapes the main
 * thread or any other: such a thread dies, but the JVM goes on while non-daemon threads live, so a runtime whose
 * main thread died starting its pipelines kept thousands of threads and never answered {@code /readyz}. Instead
 * one line names the error and the thread on standard error, and the process exits with {@link #EXIT_CODE}: through
 * {@link System#exit} so that the shutdown hook stops pipelines gracefully, and by {@link Runtime#halt} if that has
 * not ended the process within the grace (a hook that cannot finish in a JVM out of memory must not keep it alive).
 * An uncaught exception on a thread other than main is logged and the process goes on, as the JVM's own handler
 * does: the code that owns such a thread decides.
 */
final class FatalErrors {

    /** docs/operations.md: the exit code of a process ended by an error. */
    static final int EXIT_CODE = 4;
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    // Before run has read shutdown-timeout no hook of ours is registered: long enough for the logger's to flush.
    private static final Duration HOOKLESS_GRACE = Duration.ofSeconds(5);

    private static final AtomicBoolean EXITING = new AtomicBoolean();
    private static volatile Duration grace = HOOKLESS_GRACE;
    private static volatile PrintStream err = System.err;

    private FatalErrors() {
    }

    /** Makes every thread's uncaught {@link Error} end the process; {@code err} is where the line goes. */
    static void install(PrintStream stream) {
        err = stream;
        Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
    }

    /**
     * @param shutdownTimeout how long the graceful stop may take ({@code jetconnect.shutdown-timeout}): the halt
     *     waits that long, plus the grace the process has before its hook is registered
     */
    static void graceForShutdown(Duration shutdownTimeout) {
        grace = shutdownTimeout.plus(HOOKLESS_GRACE);
    }

    private static void uncaught(Thread thread, Throwable e) {
        if (e instanceof Error) {
            exit(thread, e);
        } else {
            LOG.error("uncaught exception in thread {}; the thread ended, the process goes on", thread.getName(), e);
        }
    }

    /**
     * Prints the line and ends the process; returns at once, so that the calling thread (which a shutdown hook may
     * be waiting for) can end. Only the first error is reported: the rest are usually its consequences.
     */
    static void exit(Thread thread, Throwable e) {
        if (!EXITING.compareAndSet(false, true)) {
            return;
        }
        err.println(line(thread, e));
        err.flush();
        try {
            LOG.debug("fatal error in thread {}", thread.getName(), e);
            long graceMillis = grace.toMillis();
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(graceMillis);
                } catch (InterruptedException ignored) {
                    // halting is all that is left to do either way
                }
                err.println("jetconnect: the graceful stop did not end within " + graceMillis + " ms; halting");
                Runtime.getRuntime().halt(EXIT_CODE);
            }, "jetconnect-fatal-halt");
            halt.setDaemon(true);
            halt.start();
            Thread exit = new Thread(() -> System.exit(EXIT_CODE), "jetconnect-fatal-exit");
            // Not a daemon: were the main thread the last one, the JVM would otherwise end with 0 before it ran.
            exit.setDaemon(false);
            exit.start();
        } catch (Throwable cannot) {
            // No memory or no thread left for a graceful stop.
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    /** @return the one line for the operator: what, where, and for memory what to change */
    static String line(Thread thread, Throwable e) {
        StackTraceElement[] stack = e.getStackTrace();
        String at = stack.length == 0 ? "" : " at " + stack[0];
        String hint = e instanceof OutOfMemoryError
                ? "; give the JVM more memory in JETCONNECT_OPTS (-Xmx, -XX:MaxDirectMemorySize) or run fewer pipelines"
                : "";
        return "jetconnect: fatal: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + " in thread " + thread.getName() + at + "; exiting with " + EXIT_CODE + hint;
    }
}
