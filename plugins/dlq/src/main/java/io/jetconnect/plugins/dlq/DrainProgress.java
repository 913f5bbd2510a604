package io.jetconnect.plugins.dlq;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the progress of a long drain at most once per {@code drain.progress-interval}: events done, remaining,
 * rate over the last interval and the time left at that rate; and one line when a drain that logged progress
 * ends. Counts only, never event data. Used by the drainer's thread alone.
 */
final class DrainProgress {

    private static final Logger LOG = LoggerFactory.getLogger(DrainProgress.class);

    private final String pipeline;
    private final long intervalNanos;
    private long startedNanos;
    private long lastLogNanos;
    private long done;
    private long doneAtLastLog;
    private boolean active;
    private boolean logged;

    DrainProgress(String pipeline, Duration interval) {
        this.pipeline = pipeline;
        this.intervalNanos = interval.toNanos();
    }

    /** {@code count} more events left the log (drained or quarantined). */
    void done(int count, long remaining) {
        long now = System.nanoTime();
        if (!active) {
            active = true;
            logged = false;
            startedNanos = now;
            lastLogNanos = now;
            done = 0;
            doneAtLastLog = 0;
        }
        done += count;
        if (now - lastLogNanos >= intervalNanos) {
            double seconds = (now - lastLogNanos) / 1e9;
            double rate = (done - doneAtLastLog) / seconds;
            String eta = rate > 0 ? formatSeconds(remaining / rate) : "unknown";
            LOG.info("pipeline '{}': dlq draining: {} done, {} remaining, {}/s, ETA {}", pipeline, done, remaining,
                    Math.round(rate), eta);
            lastLogNanos = now;
            doneAtLastLog = done;
            logged = true;
        }
    }

    /** The log is empty. */
    void finished() {
        if (active && logged) {
            LOG.info("pipeline '{}': dlq drained: {} events in {}", pipeline, done,
                    formatSeconds((System.nanoTime() - startedNanos) / 1e9));
        }
        active = false;
    }

    static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s / 3600 + "h" + s % 3600 / 60 + "m";
    }
}
