package io.jetconnect.plugins.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OwedEventsTest {

    private static final long PATIENCE = 1_000;

    @Test
    void onlyTheOldestOwedEventIsAcceptedThenTheNextOne() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a", "b"), 0);
        assertFalse(owed.mayAccept("A", "c", 10), "newer than what is owed");
        assertFalse(owed.mayAccept("A", "b", 10), "b is owed, but a comes first");
        assertTrue(owed.mayAccept("A", "a", 10));
        owed.accepted("A", "a");
        assertTrue(owed.mayAccept("A", "b", 20));
        owed.accepted("A", "b");
        assertTrue(owed.isEmpty());
        assertTrue(owed.mayAccept("A", "c", 30));
    }

    @Test
    void anotherSubjectFlowsWhileOneOwesEvents() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a1", "a2"), 0);
        assertTrue(owed.mayAccept("B", "b1", 10), "nothing of B is owed: B's order is not at stake");
        owed.accepted("B", "b1");
        assertFalse(owed.mayAccept("A", "a3", 10), "A still owes a1 and a2");
        assertEquals(2, owed.size("A"));
        assertEquals(0, owed.size("B"));
    }

    @Test
    void theOldestOwedEventOfEachSubjectIsAcceptedReOffered() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a1", "a2"), 0);
        owed.oweFirst("B", List.of("b1"), 0);
        assertFalse(owed.mayAccept("B", "b2", 5));
        assertTrue(owed.mayAccept("B", "b1", 5), "B's oldest, whatever A owes");
        owed.accepted("B", "b1");
        assertTrue(owed.mayAccept("B", "b2", 6), "B owes nothing any more");
        assertFalse(owed.mayAccept("A", "a2", 6));
        assertTrue(owed.mayAccept("A", "a1", 7));
        owed.accepted("A", "a1");
        assertEquals("a2", owed.oldest("A"));
    }

    @Test
    void theSameIdInAnotherSubjectIsNotTheOwedEvent() {
        // The key is the Nats-Msg-Id in its subject: an event of another subject with the same key does not
        // settle what A owes.
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("x"), 0);
        assertTrue(owed.mayAccept("B", "x", 1));
        owed.accepted("B", "x");
        assertEquals(1, owed.size("A"), "still owed");
        assertFalse(owed.mayAccept("A", "y", 2));
    }

    @Test
    void eventsFailedAgainAreOwedBeforeTheOnesStillOwed() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a", "b", "c"), 0);
        assertTrue(owed.mayAccept("A", "a", 1));
        owed.accepted("A", "a");
        owed.oweFirst("A", List.of("a"), 5); // the probe failed
        assertEquals("a", owed.oldest("A"));
        assertEquals(3, owed.size("A"));
    }

    @Test
    void aProducerThatLeavesTheOwedEventsForThePatienceIsTakenToHaveGivenThemUp() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a"), 0);
        assertFalse(owed.mayAccept("A", "z", PATIENCE - 1));
        assertTrue(owed.mayAccept("A", "a", PATIENCE - 1), "offering the oldest restarts the patience");
        assertFalse(owed.mayAccept("A", "z", 2 * PATIENCE - 2));
        assertTrue(owed.mayAccept("A", "z", 2 * PATIENCE - 1));
        assertTrue(owed.isEmpty());
    }

    @Test
    void thePatienceRunsPerSubject() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a1"), 0);
        owed.oweFirst("B", List.of("b1"), 0);
        assertTrue(owed.mayAccept("B", "b1", PATIENCE / 2), "B's producer is still there");
        assertTrue(owed.mayAccept("A", "a2", PATIENCE), "A's producer left a1 for the patience");
        assertEquals(0, owed.size("A"));
        assertFalse(owed.mayAccept("B", "b2", PATIENCE), "B's patience restarted at its last offer");
        assertEquals("b1", owed.oldest("B"));
        assertTrue(owed.mayAccept("B", "b2", PATIENCE / 2 + PATIENCE));
    }

    @Test
    void timeTheSinkRefusesEverythingUnseenDoesNotCountTowardsThePatience() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a1"), 0);
        owed.postpone(3 * PATIENCE); // the circuit is open until then: a1 could not be offered
        assertFalse(owed.mayAccept("A", "a2", 3 * PATIENCE + PATIENCE - 1));
        assertTrue(owed.mayAccept("A", "a2", 3 * PATIENCE + PATIENCE));
    }

    @Test
    void subjectsLeftForThePatienceExpireSoTheEmptyShortcutReturns() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst("A", List.of("a1"), 0);
        owed.oweFirst("B", List.of("b1"), PATIENCE / 2);
        owed.expire(PATIENCE);
        assertEquals(0, owed.size("A"));
        assertEquals(1, owed.size("B"));
        owed.expire(PATIENCE / 2 + PATIENCE);
        assertTrue(owed.isEmpty());
    }
}
