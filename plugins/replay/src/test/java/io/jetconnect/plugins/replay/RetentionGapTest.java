package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetentionGapTest {

    @Test
    void noGapAtOrAfterTheFirstSequence() {
        assertNull(RetentionGap.between(201, 201, true));
        assertNull(RetentionGap.between(500, 201, true));
        assertNull(RetentionGap.between(1, 0, false), "a stream that never had a message");
    }

    @Test
    void countsTheSequencesRemoved() {
        RetentionGap gap = RetentionGap.between(11, 201, true);
        assertEquals(190, gap.missing());
        assertEquals("stream S: sequences 11 to 200 were removed by its retention before they were read "
                + "(requested 11, first available 201, 190 missing)", gap.describe("S"));
    }

    @Test
    void autoFailsOnlyWhenResuming() {
        assertTrue(RetentionGap.between(11, 201, true).fails(ReplaySettings.OnGap.AUTO));
        assertFalse(RetentionGap.between(11, 201, false).fails(ReplaySettings.OnGap.AUTO));
        assertTrue(RetentionGap.between(11, 201, false).fails(ReplaySettings.OnGap.FAIL));
        assertFalse(RetentionGap.between(11, 201, true).fails(ReplaySettings.OnGap.SKIP));
    }
}
