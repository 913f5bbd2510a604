package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RefusedEventsTest {

    private static final long PATIENCE = 1_000;

    @Test
    void aKeyWithARefusedEventTakesOnlyThatEventThenIsFree() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        assertTrue(refused.isEmpty());
        refused.refusedOnArrival("a", "e-1", 0);

        assertFalse(refused.mayAccept("a", "e-2", 10), "newer than e-1");
        assertTrue(refused.mayAccept("b", "f-1", 10), "another key flows");
        assertTrue(refused.mayAccept("a", "e-1", 20));
        assertTrue(refused.isEmpty());
        assertTrue(refused.mayAccept("a", "e-2", 30), "the producer sends the rest after e-1");
    }

    @Test
    void ofEventsRefusedAfterTheyWereTakenTheOldestHeadsItsKeyWhateverTheOrderOfTheRefusals() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        long first = refused.ticket();
        long second = refused.ticket();
        refused.refusedAfterTaken("a", "e-2", second, 0);
        refused.refusedAfterTaken("a", "e-1", first, 0);

        assertFalse(refused.mayAccept("a", "e-2", 10));
        assertTrue(refused.mayAccept("a", "e-1", 10));
    }

    @Test
    void anEventRefusedOnArrivalDoesNotReplaceAnOlderHead() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        long taken = refused.ticket();
        refused.refusedAfterTaken("a", "e-1", taken, 0);
        refused.refusedOnArrival("a", "e-9", 0);

        assertTrue(refused.mayAccept("a", "e-1", 10));
    }

    @Test
    void aRecordTakenAfterItsKeysHeadIsBehindItAndOneTakenBeforeIsNot() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        long before = refused.ticket();
        long head = refused.ticket();
        long after = refused.ticket();
        refused.refusedAfterTaken("a", "e-2", head, 0);

        assertFalse(refused.behindHead("a", before));
        assertTrue(refused.behindHead("a", after));
        assertFalse(refused.behindHead("b", after));
    }

    @Test
    void aKeyWhoseRefusedEventIsNotOfferedForThePatienceIsFreed() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        refused.refusedOnArrival("a", "e-1", 0);
        assertFalse(refused.mayAccept("a", "e-2", PATIENCE - 1));
        assertTrue(refused.mayAccept("a", "e-2", PATIENCE));
        assertFalse(refused.owes("a"));
    }
}
