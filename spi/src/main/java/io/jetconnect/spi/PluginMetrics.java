package io.jetconnect.spi;

import java.util.function.Supplier;

/**
 * Registers metrics for one extension instance. Names are dotted and lower-case
 * ({@code jetconnect.sink.events}); the Prometheus exposition turns them into {@code jetconnect_sink_events_total}
 * for counters and {@code jetconnect_sink_publish_seconds} for timers. Every metric carries a {@code pipeline}
 * label; {@code tags} adds more as alternating keys and values.
 *
 * <p>Registering the same name and tags twice returns the same meter. Thread-safe.
 */
public interface PluginMetrics {

    /**
     * @param name the dotted name, such as {@code jetconnect.sink.events}
     * @param description one line for the exposition's {@code HELP}
     * @param tags further labels as alternating keys and values
     * @return a monotonically increasing counter
     */
    Counter counter(String name, String description, String... tags);

    /**
     * Registers a gauge read at scrape time. The supplier must be cheap, thread-safe and non-blocking.
     *
     * @param name the dotted name
     * @param description one line for the exposition's {@code HELP}
     * @param value reads the current value
     * @param tags further labels as alternating keys and values
     */
    void gauge(String name, String description, Supplier<? extends Number> value, String... tags);

    /**
     * @param name the dotted name, such as {@code jetconnect.sink.publish}
     * @param description one line for the exposition's {@code HELP}
     * @param tags further labels as alternating keys and values
     * @return a timer exported as a histogram of seconds
     */
    Timer timer(String name, String description, String... tags);

    /** A monotonically increasing count. Thread-safe. */
    interface Counter {
        /** Adds one. */
        void increment();

        /**
         * Adds an amount.
         *
         * @param amount what to add; not negative
         */
        void increment(double amount);
    }

    /** Records durations. Thread-safe. */
    interface Timer {
        /**
         * Records one duration.
         *
         * @param nanos the duration in nanoseconds
         */
        void recordNanos(long nanos);
    }
}
