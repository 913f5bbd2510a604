package io.jetconnect.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jetconnect.spi.RetriableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCursorStoreTest {

    @TempDir
    Path dir;

    @Test
    void storesAndLoadsAcrossInstances() {
        new FileCursorStore(dir.resolve("c")).store("EVENTS", 42);
        assertEquals(OptionalLong.of(42), new FileCursorStore(dir.resolve("c")).load("EVENTS"));
        assertFalse(Files.exists(dir.resolve("c/EVENTS.cursor.tmp")));
    }

    @Test
    void anUnknownKeyIsEmpty() {
        assertEquals(OptionalLong.empty(), new FileCursorStore(dir).load("none"));
    }

    @Test
    void aCorruptCursorIsAnErrorNotZero() throws IOException {
        Files.writeString(dir.resolve("bad.cursor"), "garbage");
        assertThrows(RetriableException.class, () -> new FileCursorStore(dir).load("bad"));
    }

    @Test
    void keysCannotEscapeTheDirectory() {
        assertThrows(IllegalArgumentException.class, () -> new FileCursorStore(dir).store("../x", 1));
    }
}
