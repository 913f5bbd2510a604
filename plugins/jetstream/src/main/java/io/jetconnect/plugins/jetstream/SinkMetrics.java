package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.PluginMetrics;

/**
 * The sink's meters, registered once at {@code open()}, each tagged {@code sink=jetstream} (the runtime adds
 * {@code pipeline}). Prometheus names in brackets.
 *
 * <ul>
 *   <li>{@code jetconnect.sink.events{outcome}} [{@code jetconnect_sink_events_total}]: {@code published},
 *       {@code duplicate} (the stream already had the id), {@code failed} (retriable: circuit open, retries
 *       exhausted, backpressure, closed) and {@code rejected} (permanent: the event can never be published).</li>
 *   <li>{@code jetconnect.sink.publish} [{@code jetconnect_sink_publish_seconds}]: from emit to PubAck.</li>
 *   <li>{@code jetconnect.sink.retries} [{@code jetconnect_sink_retries_total}]: retries after a retriable
 *       failure: re-sends, and attempts whose reconnection failed.</li>
 *   <li>{@code jetconnect.sink.circuit.openings} [{@code jetconnect_sink_circuit_openings_total}]: the circuit
 *       gauge going from 0 to 1.</li>
 *   <li>{@code jetconnect.sink.circuit.state} [{@code jetconnect_sink_circuit_state}]: 0 connected, 1
 *       reconnecting.</li>
 *   <li>{@code jetconnect.sink.reconnect.attempt} [{@code jetconnect_sink_reconnect_attempt}]: failed probes since
 *       the circuit opened.</li>
 *   <li>{@code jetconnect.sink.backoff.seconds} [{@code jetconnect_sink_backoff_seconds}]: the wait before the next
 *       probe. Micrometer's Prometheus naming keeps a gauge's name as it is when it already ends with its unit,
 *       so no base unit is needed (checked by the integration test that scrapes it).</li>
 * </ul>
 */
final class SinkMetrics {

    static final String SINK_TAG = "sink";
    static final String SINK = "jetstream";

    final PluginMetrics.Counter published;
    final PluginMetrics.Counter duplicate;
    final PluginMetrics.Counter failed;
    final PluginMetrics.Counter rejected;
    final PluginMetrics.Timer publish;
    final PluginMetrics.Counter retries;
    final PluginMetrics.Counter openings;
    /** Duplicates counted where the admin API can read them (its {@code sinkDuplicate}); rare, so cheap. */
    private final java.util.concurrent.atomic.LongAdder duplicates = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param linkDown whether the {@link ConnectionWatch} counts the connection as lost: the circuit reads open
     *     then too, so that an idle sink shows a lost broker
     */
    SinkMetrics(PluginMetrics metrics, CircuitBreaker breaker, java.util.function.BooleanSupplier linkDown) {
        String events = "jetconnect.sink.events";
        String eventsHelp = "Events handed to the sink, by outcome";
        published = metrics.counter(events, eventsHelp, SINK_TAG, SINK, "outcome", "published");
        PluginMetrics.Counter duplicateMeter = metrics.counter(events, eventsHelp, SINK_TAG, SINK, "outcome",
                "duplicate");
        duplicate = new PluginMetrics.Counter() {
            @Override
            public void increment() {
                duplicates.increment();
                duplicateMeter.increment();
            }

            @Override
            public void increment(double amount) {
                duplicates.add((long) amount);
                duplicateMeter.increment(amount);
            }
        };
        failed = metrics.counter(events, eventsHelp, SINK_TAG, SINK, "outcome", "failed");
        rejected = metrics.counter(events, eventsHelp, SINK_TAG, SINK, "outcome", "rejected");
        retries = metrics.counter("jetconnect.sink.retries",
                "Retries of events after a retriable failure: re-sends, and attempts that found no connection", SINK_TAG, SINK);
        openings = metrics.counter("jetconnect.sink.circuit.openings",
                "Times the circuit opened: retries exhausted, or the connection lost", SINK_TAG, SINK);
        publish = metrics.timer("jetconnect.sink.publish", "Time from emit to PubAck", SINK_TAG, SINK);
        metrics.gauge("jetconnect.sink.circuit.state", "0 connected, 1 reconnecting (circuit open)",
                () -> breaker.isOpen() || linkDown.getAsBoolean() ? 1 : 0, SINK_TAG, SINK);
        metrics.gauge("jetconnect.sink.reconnect.attempt", "Failed probes since the circuit opened",
                breaker::attempt, SINK_TAG, SINK);
        metrics.gauge("jetconnect.sink.backoff.seconds", "The wait before the next probe of an open circuit",
                () -> breaker.waitNanos() / 1e9, SINK_TAG, SINK);
    }

    /** @return the events the stream answered as duplicates so far */
    long duplicates() {
        return duplicates.sum();
    }
}
