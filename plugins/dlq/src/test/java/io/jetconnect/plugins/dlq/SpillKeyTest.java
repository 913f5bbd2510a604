package io.jetconnect.plugins.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillKeyTest {

    @TempDir
    Path dir;

    @Test
    void isCreatedOnceOwnerOnlyAndReadBackTheSame() throws IOException {
        RecordCodec first = new RecordCodec(SpillKey.loadOrCreate(dir));
        Path file = dir.resolve(SpillKey.FILE);
        assertEquals(SpillKey.BYTES, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }

        byte[] frame = first.encode(TestEvents.event(1));
        RecordCodec again = new RecordCodec(SpillKey.loadOrCreate(dir));
        assertTrue(again.headerAuthentic(frame, 0), "the same key after a restart");
        assertTrue(again.payloadAuthentic(frame, 0, frame.length - RecordCodec.HEADER_BYTES));
        assertFalse(new RecordCodec(SpillKey.loadOrCreate(Files.createDirectory(dir.resolve("other"))))
                .headerAuthentic(frame, 0), "another data directory has another key");
    }

    @Test
    void aDamagedKeyFileIsAClearErrorThatShowsNoKeyBytes() throws IOException {
        byte[] secret = "not-a-key-but-secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(dir.resolve(SpillKey.FILE), secret);
        IOException e = assertThrows(IOException.class, () -> SpillKey.loadOrCreate(dir));
        assertTrue(e.getMessage().contains(SpillKey.FILE), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertEquals("SpillKey[hidden]", SpillKey.random().toString());
    }
}
