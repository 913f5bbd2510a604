package io.jetconnect.plugins.replay;

import java.time.Duration;

/**
 * Turns samples of a drain (events done, events remaining) into the progress line: done, remaining, the rate since
 * the previous sample and the time left at that rate. Used by one thread.
 */
final class ProgressMeter {

    private long lastNanos;
    private long lastDone;

    ProgressMeter(long startNanos, long done) {
        this.lastNanos = startNanos;
        this.lastDone = done;
    }

    /**
     * @param nowNanos {@link System#nanoTime()} now
     * @param done events handled since the source started
     * @param remaining events between the cursor and the stream's last sequence
     * @return the progress line, such as {@code 120000 events done, 80000 remaining, 41000/s, ETA 2s}
     */
    String sample(long nowNanos, long done, long remaining) {
        long elapsed = Math.max(1, nowNanos - lastNanos);
        double rate = (done - lastDone) * 1e9 / elapsed;
        lastNanos = nowNanos;
        lastDone = done;
        return done + " events done, " + remaining + " remaining, " + Math.round(rate) + "/s, ETA "
                + eta(remaining, rate);
    }

    static String eta(long remaining, double rate) {
        if (remaining <= 0) {
            return "0s";
        }
        if (rate <= 0) {
            return "unknown";
        }
        Duration left = Duration.ofSeconds((long) Math.ceil(remaining / rate));
        if (left.toHours() > 0) {
            return left.toHours() + "h" + left.toMinutesPart() + "m";
        }
        if (left.toMinutes() > 0) {
            return left.toMinutes() + "m" + left.toSecondsPart() + "s";
        }
        return left.toSeconds() + "s";
    }
}
