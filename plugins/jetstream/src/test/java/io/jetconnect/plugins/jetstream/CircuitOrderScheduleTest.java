package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jetconnect.spi.Backoff;
import io.jetconnect.spi.delivery.OrderedWindow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random schedules of the circuit's protocol: a producer that reads ahead through an {@link OrderedWindow}
 * and sends again from its floor after a refusal (as the {@code replay} source and the {@code dlq} drainer do),
 * against the sink's {@link CircuitBreaker} and {@link OwedEvents} over a broker that goes down and comes back.
 * Completions of accepted events reach the producer late and in any order, so it emits newer events before it
 * knows that older ones failed; a refusal at emit is known at once (the stage returned is already failed).
 * Events belong to one of three subjects, and the sink owes failed events per subject, as it does: a subject
 * that owes nothing flows, and its events may be the probe. Per subject, no event may be stored before an older one
 * of the same subject that is not stored yet.
 */
class CircuitOrderScheduleTest {

    private static final long MS = 1_000_000L;

    @Test
    void theCircuitNeverStoresAnEventBeforeAnOlderUnstoredOneOfItsSubject() {
        long base = Long.getLong("circuit.seed", System.nanoTime());
        for (int run = 0; run < 2_000; run++) {
            long seed = base + run;
            String outcome = new Schedule(new Random(seed), true).run();
            assertEquals("ok", outcome, "seed " + seed + " (rerun with -Dcircuit.seed=" + seed + ")");
        }
    }

    /** The same schedules without the owed events, as the sink was: the checker finds the reorder. */
    @Test
    void withoutOwedEventsAProbeOvertakesTheFailedEvents() {
        long base = Long.getLong("circuit.seed", 1L);
        int reordered = 0;
        for (int run = 0; run < 2_000; run++) {
            if (new Schedule(new Random(base + run), false).run().startsWith("reordered")) {
                reordered++;
            }
        }
        assertTrue(reordered > 0, "the schedules reach the race that the owed events close");
    }

    /** One schedule. */
    private static final class Schedule {

        private final Random random;
        private final boolean owing;
        private long now;
        private final CircuitBreaker breaker;
        private final OwedEvents owed = new OwedEvents(Duration.ofSeconds(5).toNanos());
        private final OrderedWindow producer;
        private final int events;
        private final int[] subjectOf;
        private final boolean[] stored;
        /** Accepted by the sink, handled by the broker in order: {event, ticket}. */
        private final ArrayDeque<long[]> sinkWindow = new ArrayDeque<>();
        /** Completions on their way to the producer: {ticket, ok}. */
        private final List<long[]> completions = new ArrayList<>();
        private boolean brokerUp = true;
        private boolean open;
        private boolean probing;
        private long next = 1;

        Schedule(Random random, boolean owing) {
            this.random = random;
            this.owing = owing;
            this.breaker = new CircuitBreaker(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> now);
            this.producer = new OrderedWindow(1 + random.nextInt(16), 0);
            this.events = 30 + random.nextInt(100);
            this.subjectOf = new int[events + 1];
            for (int i = 1; i <= events; i++) {
                subjectOf[i] = random.nextInt(3);
            }
            this.stored = new boolean[events + 1];
        }

        String run() {
            for (int step = 0; step < 200_000 && producer.floor() < events; step++) {
                boolean healing = step > 100_000;
                switch (random.nextInt(7)) {
                    case 0 -> emit();
                    case 1 -> {
                        String problem = handleHead();
                        if (problem != null) {
                            return problem;
                        }
                    }
                    case 2 -> deliverCompletion();
                    case 3 -> now += random.nextInt(150) * MS;
                    case 4 -> brokerUp = healing || random.nextInt(4) != 0;
                    case 5 -> rewindIfDue();
                    default -> producer.advance();
                }
            }
            return producer.floor() == events ? "ok" : "stuck at " + producer.floor();
        }

        private void emit() {
            if (next > events || !producer.hasRoom()) {
                return;
            }
            long event = next++;
            long ticket = producer.submit(event);
            String id = Long.toString(event);
            String subject = subject(event);
            // A refusal is told at once: emit returns a failed stage, whose callback runs on the producer's thread.
            // While the circuit refuses everything, the sink refuses without looking at the event (refusesNow).
            if (probing || open && !breaker.mayPass()) {
                producer.fail(ticket);
                return;
            }
            if (owing && !owed.isEmpty() && !owed.mayAccept(subject, id, now)) {
                producer.fail(ticket);
                return;
            }
            if (open && breaker.tryAcquire() != CircuitBreaker.Permit.PROBE) {
                producer.fail(ticket);
                return;
            }
            if (open) {
                open = false;
                probing = true;
            }
            if (!owed.isEmpty()) {
                owed.accepted(subject, id);
            }
            sinkWindow.add(new long[] {event, ticket});
        }

        /** The broker handles the oldest accepted event: stores it, or the sink gives up on every one held. */
        private String handleHead() {
            long[] head = sinkWindow.peek();
            if (head == null) {
                return null;
            }
            int event = (int) head[0];
            if (brokerUp) {
                sinkWindow.poll();
                if (!stored[event]) {
                    for (int older = 1; older < event; older++) {
                        if (subjectOf[older] == subjectOf[event] && !stored[older]) {
                            return "reordered: " + event + " stored before " + older;
                        }
                    }
                    stored[event] = true;
                }
                completions.add(new long[] {head[1], 1});
                if (probing) {
                    probing = false;
                    breaker.onSuccess();
                    owed.postpone(now);
                }
                return null;
            }
            // Retries exhausted (or the probe failed): fail every held event in order; they are owed, per subject.
            Map<String, List<String>> failed = new HashMap<>();
            while (!sinkWindow.isEmpty()) {
                long[] f = sinkWindow.poll();
                failed.computeIfAbsent(subject(f[0]), k -> new ArrayList<>()).add(Long.toString(f[0]));
                completions.add(new long[] {f[1], 0});
            }
            failed.forEach((subject, ids) -> owed.oweFirst(subject, ids, now));
            breaker.onFailure();
            owed.postpone(now + breaker.remainingNanos());
            probing = false;
            open = true;
            return null;
        }

        private String subject(long event) {
            return "s" + subjectOf[(int) event];
        }

        private void deliverCompletion() {
            if (completions.isEmpty()) {
                return;
            }
            long[] c = completions.remove(random.nextInt(completions.size()));
            if (c[1] == 1) {
                producer.succeed(c[0]);
            } else {
                producer.fail(c[0]);
            }
        }

        private void rewindIfDue() {
            producer.advance();
            if (producer.fenced() && producer.quiescent()) {
                producer.rewind();
                next = producer.floor() + 1;
            }
        }
    }
}
