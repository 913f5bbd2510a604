package io.jetconnect.plugins.jetstream;

import io.jetconnect.spi.Backoff;
import java.util.function.LongSupplier;

/**
 * The circuit in front of the NATS connection. Pure logic over an injectable clock of nanoseconds.
 *
 * <ul>
 *   <li>{@link Connected}: events pass.</li>
 *   <li>{@link Reconnecting}{@code {attempt, nextAfter}}: entered by {@link #onFailure()} once the bounded retry of
 *       an emit is exhausted. Events are refused at once ({@link Permit#REJECT}) until {@code nextAfter}; then one
 *       event is let through as a probe ({@link Permit#PROBE}) while the others keep being refused. A failed probe
 *       sets {@code attempt + 1} and waits {@link Backoff#delayNanos(int) backoff.delayNanos(attempt)}; the first
 *       success closes the circuit, so the next outage starts again from the initial wait.</li>
 * </ul>
 *
 * <p>Thread-safe: transitions are synchronized, {@link #state()} is a volatile read for gauges.
 */
final class CircuitBreaker {

    /** What the circuit is doing. */
    sealed interface State permits Connected, Reconnecting {
    }

    /** Events pass. */
    record Connected() implements State {
    }

    /**
     * Events are refused until {@code nextAfterNanos}; then one probe passes.
     *
     * @param attempt failed probes since the circuit opened (0 for the first wait)
     * @param nextAfterNanos the clock reading from which a probe may pass
     * @param waitNanos the wait that led to {@code nextAfterNanos}
     * @param probing whether a probe is under way
     */
    record Reconnecting(int attempt, long nextAfterNanos, long waitNanos, boolean probing) implements State {
    }

    /** The answer to {@link #tryAcquire()}. */
    enum Permit { PASS, PROBE, REJECT }

    private static final Connected CONNECTED = new Connected();

    private final Backoff backoff;
    private final LongSupplier clock;
    private volatile State state = CONNECTED;
    private volatile Runnable onOpen = () -> { };

    /**
     * @param backoff the waits between probes (the breaker keeps the attempt count: its state holds it)
     * @param clock nanoseconds, such as {@code System::nanoTime}
     */
    CircuitBreaker(Backoff backoff, LongSupplier clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Runs {@code action} each time the circuit opens (not when a failed probe keeps it open); must not block. */
    void onOpen(Runnable action) {
        this.onOpen = action;
    }

    /** @return the current state */
    State state() {
        return state;
    }

    /** @return whether events are being refused (the circuit is open) */
    boolean isOpen() {
        return state instanceof Reconnecting;
    }

    /** @return failed probes since the circuit opened; 0 when connected */
    int attempt() {
        return state instanceof Reconnecting r ? r.attempt() : 0;
    }

    /** @return the wait chosen before the next probe; 0 when connected */
    long waitNanos() {
        return state instanceof Reconnecting r ? r.waitNanos() : 0L;
    }

    /** @return how long until a probe may pass; 0 when connected or when one may pass now */
    long remainingNanos() {
        return state instanceof Reconnecting r ? Math.max(0L, r.nextAfterNanos() - clock.getAsLong()) : 0L;
    }

    /** @return whether {@link #tryAcquire()} might answer anything but {@link Permit#REJECT} now */
    boolean mayPass() {
        State s = state;
        return !(s instanceof Reconnecting r) || !r.probing() && clock.getAsLong() - r.nextAfterNanos() >= 0;
    }

    /** @return whether an event may pass now, and whether it is the probe */
    synchronized Permit tryAcquire() {
        State s = state;
        if (!(s instanceof Reconnecting r)) {
            return Permit.PASS;
        }
        if (r.probing() || clock.getAsLong() - r.nextAfterNanos() < 0) {
            return Permit.REJECT;
        }
        state = new Reconnecting(r.attempt(), r.nextAfterNanos(), r.waitNanos(), true);
        return Permit.PROBE;
    }

    /** Closes the circuit; the attempt count goes with the open state. */
    synchronized void onSuccess() {
        state = CONNECTED;
    }

    /** Opens the circuit, or keeps it open for longer after a failed probe. */
    synchronized void onFailure() {
        int attempt;
        if (state instanceof Reconnecting r) {
            attempt = r.attempt() == Integer.MAX_VALUE ? r.attempt() : r.attempt() + 1;
        } else {
            onOpen.run();
            attempt = 0;
        }
        long wait = backoff.delayNanos(attempt);
        state = new Reconnecting(attempt, clock.getAsLong() + wait, wait, false);
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
