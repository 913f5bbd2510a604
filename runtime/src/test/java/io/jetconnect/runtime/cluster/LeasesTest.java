package io.jetconnect.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LeasesTest {

    @Test
    void aPipelineIsToldOfEachHoldAndOfALossBetweenTwoHoldsItDidNotSee() {
        assertEquals(7, Leases.nextTold(0, 7), "a hold");
        assertEquals(0, Leases.nextTold(7, 0), "its loss");
        assertEquals(7, Leases.nextTold(7, 7), "a renewal is no news");
        assertEquals(0, Leases.nextTold(7, 12), "lost and taken again unseen: the loss first, so the source stops");
        assertEquals(12, Leases.nextTold(0, 12), "then the new hold, so it starts again under the new token");
    }
}
