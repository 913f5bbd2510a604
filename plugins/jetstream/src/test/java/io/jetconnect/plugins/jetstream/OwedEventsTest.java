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
        owed.oweFirst(List.of("a", "b"), 0);
        assertFalse(owed.mayAccept("c", 10), "newer than what is owed");
        assertFalse(owed.mayAccept("b", 10), "b is owed, but a comes first");
        assertTrue(owed.mayAccept("a", 10));
        owed.accepted("a");
        assertTrue(owed.mayAccept("b", 20));
        owed.accepted("b");
        assertTrue(owed.isEmpty());
        assertTrue(owed.mayAccept("c", 30));
    }

    @Test
    void eventsFailedAgainAreOwedBeforeTheOnesStillOwed() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst(List.of("a", "b", "c"), 0);
        owed.accepted("a");
        owed.oweFirst(List.of("a"), 5); // the probe failed
        assertEquals("a", owed.oldest());
        assertEquals(3, owed.size());
    }

    @Test
    void aProducerThatLeavesTheOwedEventsForThePatienceIsTakenToHaveGivenThemUp() {
        OwedEvents owed = new OwedEvents(PATIENCE);
        owed.oweFirst(List.of("a"), 0);
        assertFalse(owed.mayAccept("z", PATIENCE - 1));
        assertTrue(owed.mayAccept("a", PATIENCE - 1), "offering the oldest restarts the patience");
        assertFalse(owed.mayAccept("z", 2 * PATIENCE - 2));
        assertTrue(owed.mayAccept("z", 2 * PATIENCE - 1));
        assertTrue(owed.isEmpty());
    }
}
