package io.jetconnect.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSpecTest {

    @Test
    @SuppressWarnings("deprecation")
    void theRecordsConstructorStillBuildsTheSameValue() {
        StreamSpec old = new StreamSpec("events", "EVENTS", List.of("e.>"), "memory", Duration.ofHours(1),
                Duration.ofMinutes(30), Duration.ofSeconds(30), 3, 1000, 4096, true, false);
        StreamSpec built = StreamSpec.builder("EVENTS").key("events").subjects(List.of("e.>")).storage("memory")
                .maxAge(Duration.ofHours(1)).retentionFloor(Duration.ofMinutes(30))
                .duplicateWindow(Duration.ofSeconds(30)).replicas(3).maxMessages(1000).maxBytes(4096)
                .declared(true).retentionFloorFails(false).build();
        assertEquals(old, built);
        assertEquals(old.hashCode(), built.hashCode());
        assertEquals(built, built.toBuilder().build());
        assertNotEquals(built, built.toBuilder().replicas(1).build());
        assertTrue(built.toString().contains("key=events"), built.toString());
    }

    @Test
    void anUndeclaredStreamIsABareName() {
        StreamSpec s = StreamSpec.undeclared("RAW");
        assertEquals("RAW", s.key());
        assertEquals("RAW", s.name());
        assertEquals(List.of(), s.subjects());
        assertFalse(s.declared());
        assertTrue(s.retentionFloorFails());
        assertEquals(Duration.ofMinutes(2), s.duplicateWindow());
        assertEquals(-1, s.maxMessages());
    }

    @Test
    void subjectsAreCopiedAndNullsRefused() {
        List<String> subjects = new ArrayList<>(List.of("a"));
        StreamSpec s = StreamSpec.builder("A").subjects(subjects).build();
        subjects.add("b");
        assertEquals(List.of("a"), s.subjects());
        assertThrows(UnsupportedOperationException.class, () -> s.subjects().add("c"));
        assertThrows(NullPointerException.class, () -> StreamSpec.builder(null).build());
        assertThrows(NullPointerException.class, () -> StreamSpec.builder("A").maxAge(null).build());
    }
}
