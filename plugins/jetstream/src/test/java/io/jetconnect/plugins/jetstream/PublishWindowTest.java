package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishWindowTest {

    private static Pending event(String id) {
        return new Pending(null, id, "t." + id.charAt(0), new Headers().put(EventEncoder.MSG_ID, id), new byte[1], 0);
    }

    /** Sends an event as the publisher does: its state moves to in flight with one more attempt. */
    private static void sent(Pending p) {
        p.state(Pending.state(p.attempts() + 1, Pending.IN_FLIGHT));
    }

    /** @return new events with these ids, each submitted to the window and sent */
    private static Pending[] sending(PublishWindow w, String... ids) {
        Pending[] events = new Pending[ids.length];
        for (int i = 0; i < ids.length; i++) {
            events[i] = event(ids[i]);
            w.submit(events[i]);
            sent(events[i]);
        }
        return events;
    }

    private static void answered(PublishWindow w, Pending p, boolean stored) {
        int s = p.state();
        assertTrue(p.transition(s, Pending.withKind(s, stored ? Pending.DONE : Pending.FAILED)));
        p.stored = stored;
        if (stored) {
            w.succeeded(p);
        } else {
            w.failed(p);
        }
    }

    private static List<String> ids(Iterable<Pending> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(p -> ids.add(p.id + ":" + p.kind()));
        return ids;
    }

    @Test
    void roomCountsSubmittedAndHeldEventsAndFreesAsTheFloorPasses() {
        PublishWindow w = new PublishWindow(2);
        Pending[] sent = sending(w, "a1", "a2");
        Pending a = sent[0];
        Pending b = sent[1];
        assertFalse(w.hasRoom());
        answered(w, b, true);
        assertFalse(w.hasRoom(), "the floor waits for the oldest");
        answered(w, a, true);
        assertTrue(w.hasRoom());
        assertEquals(0, w.size());
    }

    @Test
    void aRewindSendsAgainOnlyWhatFailedOrWasNeverSentAndKeepsTheHeldEventsBehind() {
        PublishWindow w = new PublishWindow(8);
        Pending[] sent = sending(w, "a1", "a2", "a3");
        Pending a = sent[0];
        Pending b = sent[1];
        Pending c = sent[2];
        Pending d = event("a4");
        answered(w, a, false);
        assertTrue(w.fenced());
        w.hold(d);
        answered(w, b, true);
        answered(w, c, false);

        w.rewind();
        assertFalse(w.fenced());
        assertEquals(List.of("a1:0", "a2:3", "a3:0"), ids(w.submitted()),
                "a and c to send again (unsent, attempts kept), b stored");
        assertEquals(1, a.attempts());
        assertEquals(4, w.size());

        sent(a);
        answered(w, a, true);
        sent(c);
        answered(w, c, true);
        assertEquals(List.of("a4:0"), ids(w.release()));
        assertTrue(w.hasRoom());
        assertEquals(List.of("a4:0"), ids(w.submitted()), "a, b and c passed the floor");
    }

    @Test
    void aRewindCountsEventsNeverSentAsFailed() {
        PublishWindow w = new PublishWindow(4);
        Pending a = event("a1");
        Pending b = event("a2");
        w.submit(a);
        w.submit(b);
        sent(a);
        answered(w, a, false); // b was never sent: a round stopped at a's failure
        w.rewind(); // an unsent event does not hold it up

        assertEquals(List.of("a1:0", "a2:0"), ids(w.submitted()));
    }

    @Test
    void aRewindWithAnEventInFlightIsABug() {
        PublishWindow w = new PublishWindow(4);
        Pending a = sending(w, "a1", "a2")[0];
        answered(w, a, false);
        assertThrows(IllegalStateException.class, w::rewind);
    }

    @Test
    void clearingHandsBackWhatWasNotFinishedWithInOrderAndRemembersWhatWasStored() {
        PublishWindow w = new PublishWindow(4);
        Pending[] sent = sending(w, "a1", "b1");
        Pending a = sent[0];
        Pending b = sent[1];
        Pending c = event("a2");
        answered(w, b, true);
        answered(w, a, false);
        w.hold(c);
        assertEquals(List.of("a1:2", "a2:0"), ids(w.clear()));
        assertFalse(w.fenced());
        assertEquals(0, w.size());
        assertTrue(w.storedLately("t.b", "b1"));
        assertFalse(w.storedLately("t.a", "a1"), "failed, not stored");
        assertFalse(w.storedLately("t.a", "b1"), "another subject");
    }

    @Test
    void remembersStoredEventsAsTheFloorPassesThemUpToItsBound() {
        PublishWindow w = new PublishWindow(2);
        for (int i = 0; i < 300; i++) {
            answered(w, sending(w, "a" + i)[0], true);
            assertTrue(w.hasRoom());
        }
        assertTrue(w.storedLately("t.a", "a299"));
        assertTrue(w.storedLately("t.a", "a44"));
        assertFalse(w.storedLately("t.a", "a43"), "the ring holds the last 256");
    }

    @Test
    void anEventRefusedForGoodIsNotRememberedAsStored() {
        PublishWindow w = new PublishWindow(2);
        Pending refused = sending(w, "a1")[0];
        int s = refused.state();
        assertTrue(refused.transition(s, Pending.withKind(s, Pending.DONE))); // as a permanent refusal leaves it
        w.succeeded(refused);
        assertTrue(w.hasRoom());
        assertFalse(w.storedLately("t.a", "a1"), "accepting it again could let it overtake an owed event");
    }
}
