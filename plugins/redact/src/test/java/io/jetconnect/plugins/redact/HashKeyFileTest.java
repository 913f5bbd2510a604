package io.jetconnect.plugins.redact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashKeyFileTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void trailingLineBreaksAreNotPartOfTheKey() throws Exception {
        byte[] key = "0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(key, HashKeyFile.read(write("a", "0123456789abcdef0123\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertArrayEquals(key, HashKeyFile.read(write("b", key)));
    }

    @Test
    void binaryKeysAreReadAsBytes() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 37);
        }
        key[31] = 7;
        assertArrayEquals(key, HashKeyFile.read(write("bin", key)));
    }

    @Test
    void shortKeyIsRejectedWithoutItsContent() throws Exception {
        Path file = write("short", "tiny-secret\n".getBytes(StandardCharsets.US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashKeyFile.read(file));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
        assertFalse(e.getMessage().contains("tiny-secret"), e.getMessage());
    }

    @Test
    void missingDirectoryAndHugeFilesAreRejected() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HashKeyFile.read(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        IllegalArgumentException directory = assertThrows(IllegalArgumentException.class,
                () -> HashKeyFile.read(dir));
        assertTrue(directory.getMessage().contains("not a regular file"), directory.getMessage());
        Path huge = write("huge", new byte[HashKeyFile.MAX_BYTES + 1]);
        IllegalArgumentException large = assertThrows(IllegalArgumentException.class, () -> HashKeyFile.read(huge));
        assertTrue(large.getMessage().contains("larger than"), large.getMessage());
    }
}
