package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReclaimsTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void theThirdWithinAMinuteUnderOneHoldIsTooManyAndOldOnesOrAnotherHoldDoNotCount() {
        Reclaims reclaims = new Reclaims();
        long t = -100 * SECOND; // nanoTime has no origin
        assertFalse(reclaims.tooMany(7, t));
        assertFalse(reclaims.tooMany(7, t + 30 * SECOND));
        assertFalse(reclaims.tooMany(7, t + 61 * SECOND), "the first is over a minute old");
        assertFalse(reclaims.tooMany(8, t + 62 * SECOND), "a new hold counts again");
        assertFalse(reclaims.tooMany(8, t + 63 * SECOND));
        assertTrue(reclaims.tooMany(8, t + 64 * SECOND));
    }
}
