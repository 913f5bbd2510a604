package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RefusedEventsTest {

    private static final long PATIENCE = 1_000;

    @Test
    void aKeyThatOwesTakesOnlyItsOldestOwedEventAndOwesEveryOtherItRefuses() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        assertTrue(refused.isEmpty());
        refused.refusedAfterTaken("a", "e-1", refused.ticket(), 0);

        assertTrue(refused.admit("a", "e-2", 10) < 0, "newer than e-1");
        assertTrue(refused.admit("b", "f-1", 10) > 0, "another key flows");
        assertEquals(2, refused.owed("a"), "e-2, refused behind e-1, is owed too");
        assertTrue(refused.admit("a", "e-2", 15) < 0, "e-1 first");
        assertTrue(refused.admit("a", "e-1", 20) > 0);
        assertTrue(refused.admit("a", "e-3", 25) < 0, "e-2 is still owed: another producer's e-3 waits");
        assertTrue(refused.admit("a", "e-2", 30) > 0);
        assertEquals(1, refused.owed("a"), "e-3, refused, is owed and heads the key now");
        assertTrue(refused.admit("a", "e-3", 35) > 0);
        assertTrue(refused.isEmpty());
    }

    @Test
    void ofEventsRefusedAfterTheyWereTakenTheOldestHeadsItsKeyWhateverTheOrderOfTheRefusals() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        long first = refused.ticket();
        long second = refused.ticket();
        refused.refusedAfterTaken("a", "e-2", second, 0);
        refused.refusedAfterTaken("a", "e-1", first, 0);

        assertTrue(refused.admit("a", "e-2", 10) < 0);
        assertTrue(refused.admit("a", "e-1", 10) > 0);
    }

    @Test
    void aHeadTakenAgainKeepsItsTicketSoThatARefusalPutsItBackAtTheHead() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        long taken = refused.ticket();
        refused.refusedAfterTaken("a", "e-1", taken, 0);
        assertTrue(refused.admit("a", "e-2", 5) < 0);

        long again = refused.admit("a", "e-1", 10);
        assertEquals(taken, again);
        refused.refusedAfterTaken("a", "e-1", again, 12); // no room after all
        assertTrue(refused.admit("a", "e-2", 15) < 0, "e-1 still goes first");
        assertTrue(refused.admit("a", "e-1", 20) > 0);
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
    void aHeadNotOfferedForThePatienceIsGivenUpAndTheNextOwedEventHeadsTheKey() {
        RefusedEvents refused = new RefusedEvents(PATIENCE);
        refused.refusedAfterTaken("a", "e-1", refused.ticket(), 0);
        assertTrue(refused.admit("a", "e-2", PATIENCE / 2) < 0, "owed, offered at half the patience");
        assertTrue(refused.admit("a", "e-2", PATIENCE - 1) < 0, "e-1 not given up yet");
        assertTrue(refused.admit("a", "e-2", PATIENCE) > 0, "e-1 given up; e-2 heads and is taken");
        assertFalse(refused.owes("a"));
    }
}
