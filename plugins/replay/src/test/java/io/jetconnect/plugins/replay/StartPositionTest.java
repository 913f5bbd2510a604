package io.jetconnect.plugins.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StartPositionTest {

    @Test
    void parsesTheFourForms() {
        assertEquals(StartPosition.Kind.EARLIEST, StartPosition.parse("earliest").kind());
        assertEquals(StartPosition.Kind.LATEST, StartPosition.parse(" LATEST ").kind());
        StartPosition seq = StartPosition.parse("seq:1000");
        assertEquals(StartPosition.Kind.SEQUENCE, seq.kind());
        assertEquals(1000, seq.sequence());
        StartPosition time = StartPosition.parse("time:2025-01-31T12:00:00+01:00");
        assertEquals(Instant.parse("2025-01-31T11:00:00Z"), time.time().toInstant());
        assertEquals("time:2025-01-31T12:00+01:00", time.toString());
    }

    @Test
    void refusesWhatItCannotRead() {
        assertEquals("stream sequences start at 1",
                assertThrows(IllegalArgumentException.class, () -> StartPosition.parse("seq:0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> StartPosition.parse("seq:ten"));
        assertThrows(IllegalArgumentException.class, () -> StartPosition.parse("time:yesterday"));
        assertThrows(IllegalArgumentException.class, () -> StartPosition.parse("time:2025-01-31T12:00:00"));
        assertThrows(IllegalArgumentException.class, () -> StartPosition.parse("first"));
    }
}
